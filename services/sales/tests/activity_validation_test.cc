// The rules of activities without storage or partners: a valid example of
// each type passes (and the limits themselves); each bad field is reported
// with its exact path: type, subject, description, owner, partners (format,
// duplicates, at most 20), opportunity, the times each type needs or may
// not have (start and end together, end after start and within 31 days,
// valid timestamps), status and outcome; ClearActivityOutputOnly clears
// only what the service owns; IsFinished knows the final statuses.
#include "services/sales/activity_validation.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "crm/sales/v1/activity.pb.h"

namespace crm::sales {
namespace {

using Fields = std::vector<std::string>;

// 2030-03-04T09:00:00Z: a fixed time; the rules do not look at the clock.
constexpr int64_t kNine = 1'898'845'200;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 24 * kHour;

google::protobuf::Timestamp At(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

Fields ActivityFields(const v1::Activity& activity) {
  Violations out;
  ValidateActivity(activity, "activity", &out);
  return FieldsOf(out);
}

// The fields every type has.
v1::Activity Basic(v1::ActivityType type, const std::string& subject) {
  v1::Activity a;
  a.set_type(type);
  a.set_subject(subject);
  a.set_owner("partners/rep");
  return a;
}

v1::Activity Task() {
  v1::Activity a = Basic(v1::ACTIVITY_TYPE_TASK, "Send the price list");
  *a.mutable_due_time() = At(kNine + 8 * kHour);
  return a;
}

// A valid appointment that uses every field a client may set.
v1::Activity Appointment() {
  v1::Activity a = Basic(v1::ACTIVITY_TYPE_APPOINTMENT, "Present the monitor range");
  a.set_description("In the Hamburg office, with the IT lead");
  a.add_partners("partners/alvis");
  a.add_partners("partners/buyer");
  a.set_opportunity("opportunities/o-1");
  *a.mutable_start_time() = At(kNine);
  *a.mutable_end_time() = At(kNine + 2 * kHour);
  a.set_status(v1::ACTIVITY_STATUS_OPEN);
  a.set_outcome("Wants an offer for 120 units");
  return a;
}

v1::Activity Visit() {
  v1::Activity a = Basic(v1::ACTIVITY_TYPE_VISIT, "Tour of the warehouse");
  a.add_partners("partners/alvis");
  *a.mutable_start_time() = At(kNine);
  *a.mutable_end_time() = At(kNine + kDay + 4 * kHour);  // over night
  return a;
}

v1::Activity Call() {
  v1::Activity a = Basic(v1::ACTIVITY_TYPE_CALL, "Follow up on the offer");
  a.add_partners("partners/buyer");
  return a;
}

v1::Activity Email() {
  v1::Activity a = Basic(v1::ACTIVITY_TYPE_EMAIL, "Send the brochure");
  a.add_partners("partners/buyer");
  *a.mutable_due_time() = At(kNine);
  return a;
}

struct Spoiled {
  const char* what;
  std::function<v1::Activity()> make;
  std::function<void(v1::Activity*)> spoil;
  Fields fields;
};

}  // namespace

TEST_CASE("activity validation: a valid activity of each type passes", "[sales][activity]") {
  CHECK(ActivityFields(Task()).empty());
  CHECK(ActivityFields(Appointment()).empty());
  CHECK(ActivityFields(Visit()).empty());
  CHECK(ActivityFields(Call()).empty());
  CHECK(ActivityFields(Email()).empty());

  // Times are optional for tasks, calls and e-mails; a call may have a
  // start and end, or a due time; a task and an e-mail may have a period too.
  for (const auto& make : std::vector<std::function<v1::Activity()>>{Task, Call, Email}) {
    v1::Activity a = make();
    INFO(v1::ActivityType_Name(a.type()));
    a.clear_due_time();
    CHECK(ActivityFields(a).empty());
    *a.mutable_due_time() = At(kNine);
    CHECK(ActivityFields(a).empty());
    a.clear_due_time();
    *a.mutable_start_time() = At(kNine);
    *a.mutable_end_time() = At(kNine + 15 * 60);
    CHECK(ActivityFields(a).empty());
  }

  // Completed and cancelled ones, with an outcome, are as valid.
  for (v1::ActivityStatus status : {v1::ACTIVITY_STATUS_UNSPECIFIED, v1::ACTIVITY_STATUS_OPEN,
                                    v1::ACTIVITY_STATUS_COMPLETED, v1::ACTIVITY_STATUS_CANCELLED}) {
    v1::Activity a = Appointment();
    a.set_status(status);
    CHECK(ActivityFields(a).empty());
  }

  // The limits themselves.
  v1::Activity full = Appointment();
  full.set_subject(std::string(200, 's'));
  full.set_description(std::string(4000, 'd'));
  full.set_outcome(std::string(2000, 'o'));
  full.clear_partners();
  for (int i = 0; i < 20; ++i) full.add_partners(absl::StrCat("partners/p", i));
  *full.mutable_end_time() = At(kNine + 31 * kDay);  // exactly 31 days
  CHECK(ActivityFields(full).empty());
  // Characters, not bytes: 200 umlauts are 400 bytes.
  std::string umlauts;
  for (int i = 0; i < 200; ++i) umlauts += "\xC3\xBC";
  full.set_subject(umlauts);
  CHECK(ActivityFields(full).empty());

  // The widest valid times: the first and last second of the years 1 to 9999.
  v1::Activity early = Task();
  *early.mutable_due_time() = At(-62'135'596'800);
  CHECK(ActivityFields(early).empty());
  *early.mutable_due_time() = At(253'402'300'799, 999'999'999);
  CHECK(ActivityFields(early).empty());

  // Rules under another path name their fields under it.
  v1::Activity bad = Appointment();
  bad.clear_subject();
  Violations out;
  ValidateActivity(bad, "request.activity", &out);
  CHECK(FieldsOf(out) == Fields{"request.activity.subject"});
}

TEST_CASE("activity validation: each bad field is named by its path", "[sales][activity]") {
  const std::vector<Spoiled> cases = {
      {"no type", Task, [](auto* a) { a->clear_type(); }, {"activity.type"}},
      {"an unknown type",
       Task,
       [](auto* a) { a->set_type(static_cast<v1::ActivityType>(42)); },
       {"activity.type"}},
      {"no subject", Task, [](auto* a) { a->clear_subject(); }, {"activity.subject"}},
      {"a subject too long",
       Task,
       [](auto* a) { a->set_subject(std::string(201, 's')); },
       {"activity.subject"}},
      {"a subject with a tab",
       Task,
       [](auto* a) { a->set_subject("Send\tit"); },
       {"activity.subject"}},
      {"a subject that is not UTF-8",
       Task,
       [](auto* a) { a->set_subject(std::string("Pr\xFC") + "fen"); },
       {"activity.subject"}},
      {"a description too long",
       Appointment,
       [](auto* a) { a->set_description(std::string(4001, 'd')); },
       {"activity.description"}},
      {"no owner", Task, [](auto* a) { a->clear_owner(); }, {"activity.owner"}},
      {"an owner of another collection",
       Task,
       [](auto* a) { a->set_owner("users/rep"); },
       {"activity.owner"}},
      {"an owner without an id",
       Task,
       [](auto* a) { a->set_owner("partners/"); },
       {"activity.owner"}},
      {"an owner id with a slash",
       Task,
       [](auto* a) { a->set_owner("partners/a/b"); },
       {"activity.owner"}},
      {"a partner twice",
       Appointment,
       [](auto* a) { a->set_partners(1, "partners/alvis"); },
       {"activity.partners[1]"}},
      {"a partner twice, later in the list",
       Appointment,
       [](auto* a) {
         a->add_partners("partners/other");
         a->add_partners("partners/buyer");
       },
       {"activity.partners[3]"}},
      {"an empty partner",
       Appointment,
       [](auto* a) { a->set_partners(0, ""); },
       {"activity.partners[0]"}},
      {"a partner that is not a partner name",
       Appointment,
       [](auto* a) { a->set_partners(1, "contacts/buyer"); },
       {"activity.partners[1]"}},
      {"more than 20 partners",
       Appointment,
       [](auto* a) {
         for (int i = 0; i < 19; ++i) a->add_partners(absl::StrCat("partners/p", i));
       },
       {"activity.partners"}},
      {"an opportunity that is not an opportunity name",
       Appointment,
       [](auto* a) { a->set_opportunity("deals/o-1"); },
       {"activity.opportunity"}},
      {"an opportunity without a collection",
       Appointment,
       [](auto* a) { a->set_opportunity("o-1"); },
       {"activity.opportunity"}},
      {"an opportunity without an id",
       Appointment,
       [](auto* a) { a->set_opportunity("opportunities/"); },
       {"activity.opportunity"}},
      // Appointments and visits are at a time.
      {"an appointment without a start",
       Appointment,
       [](auto* a) { a->clear_start_time(); },
       {"activity.start_time"}},
      {"an appointment without an end",
       Appointment,
       [](auto* a) { a->clear_end_time(); },
       {"activity.end_time"}},
      {"an appointment without any time",
       Appointment,
       [](auto* a) {
         a->clear_start_time();
         a->clear_end_time();
       },
       {"activity.start_time", "activity.end_time"}},
      {"an appointment with a due time",
       Appointment,
       [](auto* a) { *a->mutable_due_time() = At(kNine); },
       {"activity.due_time"}},
      {"a visit without a start",
       Visit,
       [](auto* a) { a->clear_start_time(); },
       {"activity.start_time"}},
      {"a visit without an end",
       Visit,
       [](auto* a) { a->clear_end_time(); },
       {"activity.end_time"}},
      {"a visit with a due time instead",
       Visit,
       [](auto* a) {
         a->clear_start_time();
         a->clear_end_time();
         *a->mutable_due_time() = At(kNine);
       },
       {"activity.start_time", "activity.end_time", "activity.due_time"}},
      // The period.
      {"an end before the start",
       Appointment,
       [](auto* a) { *a->mutable_end_time() = At(kNine - 1); },
       {"activity.end_time"}},
      {"an end at the start",
       Appointment,
       [](auto* a) { *a->mutable_end_time() = At(kNine); },
       {"activity.end_time"}},
      {"an end a second over 31 days after the start",
       Visit,
       [](auto* a) { *a->mutable_end_time() = At(kNine + 31 * kDay + 1); },
       {"activity.end_time"}},
      {"an end a year after the start",
       Appointment,
       [](auto* a) { *a->mutable_end_time() = At(kNine + 365 * kDay); },
       {"activity.end_time"}},
      {"a call with a start only",
       Call,
       [](auto* a) { *a->mutable_start_time() = At(kNine); },
       {"activity.end_time"}},
      {"a call with an end only",
       Call,
       [](auto* a) { *a->mutable_end_time() = At(kNine); },
       {"activity.start_time"}},
      {"a task with a start only",
       Task,
       [](auto* a) { *a->mutable_start_time() = At(kNine); },
       {"activity.end_time"}},
      {"a call ending before it starts",
       Call,
       [](auto* a) {
         *a->mutable_start_time() = At(kNine);
         *a->mutable_end_time() = At(kNine - kHour);
       },
       {"activity.end_time"}},
      // Invalid timestamps.
      {"a start after the year 9999",
       Appointment,
       [](auto* a) { *a->mutable_start_time() = At(253'402'300'800); },
       {"activity.start_time"}},
      {"an end before the year 1",
       Appointment,
       [](auto* a) { *a->mutable_end_time() = At(-62'135'596'801); },
       {"activity.end_time"}},
      {"negative nanos",
       Appointment,
       [](auto* a) { *a->mutable_start_time() = At(kNine, -1); },
       {"activity.start_time"}},
      {"nanos of a whole second",
       Appointment,
       [](auto* a) { *a->mutable_end_time() = At(kNine + kHour, 1'000'000'000); },
       {"activity.end_time"}},
      {"a due time after the year 9999",
       Task,
       [](auto* a) { *a->mutable_due_time() = At(253'402'300'800); },
       {"activity.due_time"}},
      // Status and outcome.
      {"an unknown status",
       Task,
       [](auto* a) { a->set_status(static_cast<v1::ActivityStatus>(7)); },
       {"activity.status"}},
      {"an outcome too long",
       Appointment,
       [](auto* a) { a->set_outcome(std::string(2001, 'o')); },
       {"activity.outcome"}},
  };
  for (const Spoiled& c : cases) {
    INFO(c.what);
    v1::Activity activity = c.make();
    c.spoil(&activity);
    CHECK(ActivityFields(activity) == c.fields);
  }
}

TEST_CASE("activity validation: what is wrong with the times is said", "[sales][activity]") {
  auto description = [](const v1::Activity& a, const std::string& field) {
    Violations out;
    ValidateActivity(a, "activity", &out);
    return DescriptionOf(out, field);
  };
  v1::Activity a = Appointment();
  *a.mutable_end_time() = At(kNine - 60);
  CHECK(description(a, "activity.end_time") == "must be after start_time");
  *a.mutable_end_time() = At(kNine + 32 * kDay);
  CHECK(description(a, "activity.end_time") == "must be within 31 days of start_time");
  a.clear_end_time();
  CHECK(description(a, "activity.end_time") == "is required for appointments and visits");
  *a.mutable_due_time() = At(kNine);
  CHECK(description(a, "activity.due_time") == "must be unset for appointments and visits");
  v1::Activity c = Call();
  *c.mutable_start_time() = At(kNine);
  CHECK(description(c, "activity.end_time") == "is required with the other");

  // An invalid time is reported as such, without comparing it to the other.
  v1::Activity invalid = Appointment();
  *invalid.mutable_start_time() = At(kNine, -5);
  *invalid.mutable_end_time() = At(kNine - kDay);
  Violations out;
  ValidateActivity(invalid, "activity", &out);
  CHECK(FieldsOf(out) == Fields{"activity.start_time"});
  CHECK(DescriptionOf(out, "activity.start_time") ==
        "must be a valid time between the years 1 and 9999");
}

TEST_CASE("activity validation: every violation is reported, not just the first",
          "[sales][activity]") {
  CHECK(ActivityFields(v1::Activity()) ==
        Fields{"activity.type", "activity.subject", "activity.owner"});

  v1::Activity a = Appointment();
  a.set_subject(std::string(201, 's'));
  a.set_owner("owner");
  a.set_partners(1, "partners/alvis");
  a.set_opportunity("opportunities");
  a.clear_start_time();
  *a.mutable_due_time() = At(kNine);
  a.set_outcome(std::string(2001, 'o'));
  CHECK(ActivityFields(a) == Fields{"activity.subject", "activity.owner", "activity.partners[1]",
                                    "activity.opportunity", "activity.start_time",
                                    "activity.due_time", "activity.outcome"});
}

TEST_CASE("activity validation: ClearActivityOutputOnly clears what the service owns",
          "[sales][activity]") {
  v1::Activity sent = Appointment();
  sent.set_status(v1::ACTIVITY_STATUS_COMPLETED);
  const v1::Activity expected = sent;
  sent.set_name("activities/mine");
  *sent.mutable_finish_time() = At(kNine + 3 * kHour);
  *sent.mutable_create_time() = At(kNine - kDay);
  *sent.mutable_update_time() = At(kNine - kHour);
  sent.set_etag("\"7\"");

  ClearActivityOutputOnly(&sent);
  CHECK(sent.SerializeAsString() == expected.SerializeAsString());
  CHECK_FALSE(sent.has_finish_time());
  CHECK_FALSE(sent.has_create_time());
  CHECK_FALSE(sent.has_update_time());
  // What a client sets stays, status and outcome among it.
  CHECK(sent.status() == v1::ACTIVITY_STATUS_COMPLETED);
  CHECK(sent.outcome() == "Wants an offer for 120 units");
  CHECK(sent.partners_size() == 2);
  CHECK(sent.opportunity() == "opportunities/o-1");
  CHECK(sent.has_start_time());
  CHECK(sent.has_end_time());
}

TEST_CASE("activity validation: IsFinished knows the final statuses", "[sales][activity]") {
  CHECK(IsFinished(v1::ACTIVITY_STATUS_COMPLETED));
  CHECK(IsFinished(v1::ACTIVITY_STATUS_CANCELLED));
  CHECK_FALSE(IsFinished(v1::ACTIVITY_STATUS_OPEN));
  CHECK_FALSE(IsFinished(v1::ACTIVITY_STATUS_UNSPECIFIED));
  CHECK_FALSE(IsFinished(static_cast<v1::ActivityStatus>(42)));
}

}  // namespace crm::sales
