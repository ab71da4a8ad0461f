// Activities and the calendar (ActivityService) over a real gRPC channel and
// a real SQLite file, with a real partners service beside it:
//  - ListActivities by owner, type, status, opportunity, partner and
//    calendar time, ordered and paged; bad filters, orders and tokens;
//  - ListCalendar: an owner's activities overlapping a period, by time,
//    cancelled ones only when asked for; bad periods; paging;

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/activity_fixture.h"

using namespace crm::sales::testing::activity_testing;  // NOLINT

TEST_CASE("activity: ListActivities filters, orders and pages", "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string deal = crm.AddOpportunity(people, "Monitors");
  auto add = [&](sv1::Activity a, const std::string& partner, const std::string& opportunity,
                 sv1::ActivityStatus status = sv1::ACTIVITY_STATUS_UNSPECIFIED) {
    if (!partner.empty()) a.add_partners(partner);
    a.set_opportunity(opportunity);
    a.set_status(status);
    return crm.Create(a).name();
  };
  // Created in this order; calendar times in another.
  const std::string alpha =
      add(Meeting("Alpha", people.rep, "2040-03-05T09:00:00Z", "2040-03-05T10:00:00Z"),
          people.account, deal);
  const std::string bravo =
      add(Task("Bravo", people.colleague, "2040-03-02T17:00:00Z"), people.buyer, "");
  const std::string charlie =
      add(Activity(sv1::ACTIVITY_TYPE_CALL, "Charlie", people.rep), people.buyer, deal);
  const std::string delta = add(Meeting("Delta", people.rep, "2040-03-09T08:00:00Z",
                                        "2040-03-09T18:00:00Z", sv1::ACTIVITY_TYPE_VISIT),
                                people.account, "", sv1::ACTIVITY_STATUS_COMPLETED);
  const std::string echo = add(Task("Echo", people.rep, "2040-03-04T12:00:00Z"), "", deal,
                               sv1::ACTIVITY_STATUS_CANCELLED);
  const std::string rep = absl::StrCat("owner = \"", people.rep, "\"");

  const Strings everything = {alpha, bravo, charlie, delta, echo};
  CHECK(crm.Names() == everything);  // by create_time
  CHECK(crm.Names(rep) == Strings{alpha, charlie, delta, echo});
  CHECK(crm.Names(absl::StrCat("owner = \"", people.colleague, "\"")) == Strings{bravo});
  CHECK(crm.Names("type = TASK") == Strings{bravo, echo});
  CHECK(crm.Names("type = ACTIVITY_TYPE_VISIT") == Strings{delta});
  CHECK(crm.Names("status = OPEN") == Strings{alpha, bravo, charlie});
  CHECK(crm.Names("status = COMPLETED") == Strings{delta});
  CHECK(crm.Names("status != OPEN") == Strings{delta, echo});
  CHECK(crm.Names(absl::StrCat("opportunity = \"", deal, "\"")) == Strings{alpha, charlie, echo});
  CHECK(crm.Names("opportunity = \"opportunities/nothing\"").empty());
  CHECK(crm.Names(absl::StrCat("partner = \"", people.buyer, "\"")) == Strings{bravo, charlie});
  CHECK(crm.Names(absl::StrCat("partner = \"", people.account, "\"")) == Strings{alpha, delta});
  CHECK(crm.Names(absl::StrCat("partner != \"", people.account, "\"")) ==
        Strings{bravo, charlie, echo});
  CHECK(crm.Names("partner = \"partners/nobody\"").empty());
  // Calendar time is the start or due time; activities without one never
  // match.
  CHECK(crm.Names("calendar_time >= \"2040-03-04T12:00:00Z\"") == Strings{alpha, delta, echo});
  CHECK(crm.Names("calendar_time < \"2040-03-05T09:00:00Z\"") == Strings{bravo, echo});
  CHECK(crm.Names("calendar_time >= \"2040-03-05T00:00:00+02:00\" AND "
                  "calendar_time < \"2040-03-06T00:00:00Z\"") == Strings{alpha});
  CHECK(crm.Names(absl::StrCat(rep, " AND status = OPEN AND type = APPOINTMENT")) ==
        Strings{alpha});
  CHECK(crm.Names(absl::StrCat(rep, " AND partner = \"", people.buyer, "\"")) == Strings{charlie});
  CHECK(crm.Names("create_time > \"2001-01-01T00:00:00Z\"") == everything);
  CHECK(crm.Names("update_time < \"2001-01-01T00:00:00Z\"").empty());

  // Ordered.
  const std::string timed = "calendar_time >= \"2040-01-01T00:00:00Z\"";
  const Strings by_time = {bravo, echo, alpha, delta};
  CHECK(crm.Names(timed, "calendar_time") == by_time);
  CHECK(crm.Names(timed, "calendar_time desc") == Strings(by_time.rbegin(), by_time.rend()));
  CHECK(crm.Names("", "create_time desc") == Strings{echo, delta, charlie, bravo, alpha});
  CHECK(crm.Names(rep, "calendar_time desc, create_time") == Strings{delta, alpha, echo, charlie});

  // Paged, without repeats or gaps.
  int pages = 0;
  CHECK(crm.Names("", "", 2, &pages) == everything);
  CHECK(pages == 3);
  CHECK(crm.Names(timed, "calendar_time", 2, &pages) == by_time);
  CHECK(pages == 2);
  CHECK(crm.Names(rep, "create_time desc", 1, &pages) == Strings{echo, delta, charlie, alpha});
  CHECK(pages == 4);

  // Bad filters, orders, sizes and tokens.
  sv1::ListActivitiesResponse response;
  for (const std::string filter :
       {"colour = \"red\"", "status = DONE", "type = 3", "calendar_time >= \"2040-03-05\"",
        "subject = \"Alpha\"", "owner =", "status = OPEN AND", "(status = OPEN",
        "partner = \"partners/a*\""}) {
    INFO(filter);
    sv1::ListActivitiesRequest request;
    request.set_filter(filter);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT filter");
  }
  for (const std::string order_by : {"subject", "calendar_time sideways", "owner"}) {
    INFO(order_by);
    sv1::ListActivitiesRequest request;
    request.set_order_by(order_by);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT order_by");
  }
  sv1::ListActivitiesRequest request;
  request.set_page_size(-1);
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(2);
  request.set_filter("status = OPEN");
  REQUIRE(Outcome(crm.TryList(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter("status = COMPLETED");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_filter("status = OPEN");
  request.set_order_by("calendar_time");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_order_by("");
  request.set_page_token("garbage");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("activity: ListCalendar gives an owner's activities in a period, by time",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string rep = people.rep;
  auto add = [&](sv1::Activity a, sv1::ActivityStatus status = sv1::ACTIVITY_STATUS_OPEN) {
    a.set_status(status);
    return crm.Create(a).name();
  };
  // The period: Monday 2040-03-05, the whole day (UTC).
  const std::string from = "2040-03-05T00:00:00Z";
  const std::string to = "2040-03-06T00:00:00Z";
  const std::string late =
      add(Meeting("Dinner into the night", rep, "2040-03-05T20:00:00Z", "2040-03-06T01:00:00Z"));
  const std::string spanning = add(Meeting("Trade fair", rep, "2040-03-04T09:00:00Z",
                                           "2040-03-05T12:00:00Z", sv1::ACTIVITY_TYPE_VISIT));
  const std::string before = add(Meeting("Sunday call", rep, "2040-03-04T18:00:00Z",
                                         "2040-03-04T19:00:00Z", sv1::ACTIVITY_TYPE_CALL));
  const std::string due = add(Task("Send the offer", rep, "2040-03-05T16:00:00Z"));
  const std::string done =
      add(Task("Book the room", rep, "2040-03-05T08:00:00Z"), sv1::ACTIVITY_STATUS_COMPLETED);
  const std::string cancelled =
      add(Meeting("Lunch", rep, "2040-03-05T12:00:00Z", "2040-03-05T13:00:00Z"),
          sv1::ACTIVITY_STATUS_CANCELLED);
  const std::string after = add(Task("Follow up", rep, "2040-03-06T09:00:00Z"));
  const std::string at_start = add(Task("Midnight mail", rep, from));
  add(Activity(sv1::ACTIVITY_TYPE_CALL, "Call some time", rep));  // no time: never in it
  add(Activity(sv1::ACTIVITY_TYPE_EMAIL, "Mail some time", rep));
  add(Meeting("Colleague's meeting", people.colleague, "2040-03-05T10:00:00Z",
              "2040-03-05T11:00:00Z"));

  const Strings day = {spanning, at_start, done, due, late};
  CHECK(crm.Calendar(rep, from, to) == day);
  const Strings with_cancelled = {spanning, at_start, done, cancelled, due, late};
  CHECK(crm.Calendar(rep, from, to, true) == with_cancelled);
  CHECK(crm.Calendar(rep, "2040-03-04T00:00:00Z", "2040-03-07T00:00:00Z") ==
        Strings{spanning, before, at_start, done, due, late, after});
  CHECK(crm.Calendar(people.colleague, from, to).size() == 1);
  CHECK(crm.Calendar(people.buyer, from, to).empty());
  CHECK(crm.Calendar(rep, "2040-03-10T00:00:00Z", "2040-03-11T00:00:00Z").empty());
  // Everything with a time in the longest period there is: 366 days.
  CHECK(crm.Calendar(rep, "2040-01-01T00:00:00Z", "2041-01-01T00:00:00Z").size() == 7);

  // The calendar carries the activities themselves.
  sv1::ListCalendarRequest request;
  request.set_owner(rep);
  *request.mutable_start_time() = At(from);
  *request.mutable_end_time() = At(to);
  sv1::ListCalendarResponse response;
  REQUIRE(Outcome(crm.TryCalendar(request, &response)) == "OK");
  REQUIRE(response.activities_size() == 5);
  CHECK(MessageDifferencer::Equals(response.activities(0), crm.Get(spanning)));
  CHECK(response.next_page_token().empty());

  // Paged, without repeats or gaps.
  int pages = 0;
  CHECK(crm.Calendar(rep, from, to, false, 2, &pages) == day);
  CHECK(pages == 3);
  CHECK(crm.Calendar(rep, from, to, true, 1, &pages) == with_cancelled);
  CHECK(pages == 6);
  CHECK(crm.Calendar(rep, from, to, true, 6, &pages) == with_cancelled);
  CHECK(pages == 1);
  // A token belongs to its request.
  request.set_page_size(2);
  REQUIRE(Outcome(crm.TryCalendar(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  sv1::ListCalendarRequest other = request;
  other.set_owner(people.colleague);
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  other.set_include_cancelled(true);
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  *other.mutable_end_time() = At("2040-03-07T00:00:00Z");
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  other.set_page_token("garbage");
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  other.set_page_size(-1);
  other.clear_page_token();
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_size");
}

TEST_CASE("activity: ListCalendar refuses a bad owner or period, naming the field",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  struct Bad {
    const char* what;
    std::function<void(sv1::ListCalendarRequest*)> spoil;
    std::string outcome;
  };
  const std::vector<Bad> cases = {
      {"no owner", [](auto* r) { r->clear_owner(); }, "INVALID_ARGUMENT owner"},
      {"an owner that is not a partner", [](auto* r) { r->set_owner("users/rep"); },
       "INVALID_ARGUMENT owner"},
      {"no start", [](auto* r) { r->clear_start_time(); }, "INVALID_ARGUMENT start_time"},
      {"no end", [](auto* r) { r->clear_end_time(); }, "INVALID_ARGUMENT end_time"},
      {"no period at all",
       [](auto* r) {
         r->clear_start_time();
         r->clear_end_time();
       },
       "INVALID_ARGUMENT start_time, end_time"},
      {"an end before the start",
       [](auto* r) { *r->mutable_end_time() = At("2040-03-04T00:00:00Z"); },
       "INVALID_ARGUMENT end_time"},
      {"an end at the start", [](auto* r) { *r->mutable_end_time() = r->start_time(); },
       "INVALID_ARGUMENT end_time"},
      {"a period of 367 days", [](auto* r) { *r->mutable_end_time() = At("2041-03-07T00:00:00Z"); },
       "INVALID_ARGUMENT end_time"},
      {"a period a second over 366 days",
       [](auto* r) { *r->mutable_end_time() = At("2041-03-06T00:00:01Z"); },
       "INVALID_ARGUMENT end_time"},
      {"an invalid start", [](auto* r) { r->mutable_start_time()->set_nanos(-1); },
       "INVALID_ARGUMENT start_time"},
      {"everything wrong",
       [](auto* r) {
         r->clear_owner();
         r->clear_start_time();
         r->mutable_end_time()->set_seconds(253'402'300'800);
       },
       "INVALID_ARGUMENT owner, start_time, end_time"},
  };
  for (const Bad& c : cases) {
    INFO(c.what);
    sv1::ListCalendarRequest request;
    request.set_owner(people.rep);
    *request.mutable_start_time() = At("2040-03-05T00:00:00Z");
    *request.mutable_end_time() = At("2040-03-06T00:00:00Z");
    c.spoil(&request);
    sv1::ListCalendarResponse response;
    CHECK(Outcome(crm.TryCalendar(request, &response)) == c.outcome);
  }
  // Exactly 366 days is allowed.
  CHECK(crm.Calendar(people.rep, "2040-03-05T00:00:00Z", "2041-03-06T00:00:00Z").empty());
}

TEST_CASE("activity: the calendar edges: a meeting ending at the period's start is outside",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string rep = people.rep;
  const std::string before =
      crm.Create(Meeting("Late call", rep, "2040-03-04T23:00:00Z", "2040-03-05T00:00:00Z")).name();
  const std::string due_at_start =
      crm.Create(Task("Midnight report", rep, "2040-03-05T00:00:00Z")).name();
  // A due time just before the epoch is a time like any other.
  const std::string old_task = crm.Create(Task("Old", rep, "1969-12-31T23:59:59.999999Z")).name();

  CHECK(crm.Calendar(rep, "2040-03-05T00:00:00Z", "2040-03-06T00:00:00Z") ==
        Strings{due_at_start});
  CHECK(crm.Calendar(rep, "2040-03-04T00:00:00Z", "2040-03-05T00:00:00Z") == Strings{before});
  CHECK(crm.Calendar(rep, "1969-12-31T00:00:00Z", "1970-01-01T00:00:00Z") == Strings{old_task});

  // An end a fraction of a microsecond after the start is after it.
  sv1::Activity brief = Meeting("Blink", rep, "2040-03-07T09:00:00Z", "2040-03-07T09:00:00Z");
  brief.mutable_end_time()->set_nanos(500);
  CHECK(Outcome(crm.TryCreate(brief)) == "OK");
}
