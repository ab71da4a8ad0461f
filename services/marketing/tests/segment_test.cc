// Segments (SegmentService CreateSegment, GetSegment, ListSegments,
// UpdateSegment, DeleteSegment) over a real gRPC channel and a real SQLite
// file: output-only fields ignored, request_id retries, each bad criterion
// named by its field and nothing written, newest-first paging, update masks
// and etags (a stale one is ABORTED), delete, and the change feed.
#include <string>
#include <vector>

#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

using SS = mv1::SegmentService::Stub;

mv1::Segment Bavaria(const std::string& display_name = "Bavarian retail") {
  mv1::Segment segment;
  segment.set_display_name(display_name);
  segment.set_description("Retail organisations in Bavaria");
  segment.mutable_criteria()->add_categories(pv1::PARTNER_CATEGORY_ORGANIZATION);
  segment.mutable_criteria()->add_country_codes("DE");
  segment.mutable_criteria()->add_regions("BY");
  return segment;
}

class SegmentSuite : public MarketingBesidePeers {
 protected:
  SegmentSuite() : MarketingBesidePeers(Peers{false, false}) {}

  grpc::Status TryCreate(const mv1::Segment& segment, mv1::Segment* out,
                         const std::string& request_id = "") {
    mv1::CreateSegmentRequest request;
    *request.mutable_segment() = segment;
    request.set_request_id(request_id);
    return Call(*segments_, &SS::CreateSegment, request, out);
  }

  mv1::Segment Create(const mv1::Segment& segment) {
    mv1::Segment out;
    const grpc::Status status = TryCreate(segment, &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out;
  }

  // The outcome of creating a segment with these criteria.
  std::string CreateOutcome(const mv1::SegmentCriteria& criteria) {
    mv1::Segment segment = Bavaria();
    *segment.mutable_criteria() = criteria;
    mv1::Segment out;
    return Outcome(TryCreate(segment, &out));
  }

  grpc::Status TryGet(const std::string& name, mv1::Segment* out) {
    mv1::GetSegmentRequest request;
    request.set_name(name);
    return Call(*segments_, &SS::GetSegment, request, out);
  }

  grpc::Status TryUpdate(const mv1::Segment& segment, const Strings& paths, mv1::Segment* out) {
    mv1::UpdateSegmentRequest request;
    *request.mutable_segment() = segment;
    *request.mutable_update_mask() = Mask(paths);
    return Call(*segments_, &SS::UpdateSegment, request, out);
  }

  grpc::Status TryDelete(const std::string& name, const std::string& etag = "") {
    mv1::DeleteSegmentRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return Call(*segments_, &SS::DeleteSegment, request, &empty);
  }

  // The names on each page of ListSegments with `page_size`.
  std::vector<Strings> Pages(int page_size) {
    std::vector<Strings> pages;
    mv1::ListSegmentsRequest request;
    request.set_page_size(page_size);
    do {
      const mv1::ListSegmentsResponse page = MustCall(*segments_, &SS::ListSegments, request);
      Strings names;
      for (const mv1::Segment& segment : page.segments()) names.push_back(segment.name());
      pages.push_back(names);
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty() && pages.size() < 20);
    return pages;
  }

  int Count() {
    int count = 0;
    for (const Strings& page : Pages(1000)) count += static_cast<int>(page.size());
    return count;
  }
};

TEST_CASE_METHOD(SegmentSuite, "segment: created with its criteria, output-only fields ignored",
                 "[marketing][segment]") {
  const int64_t head = HeadSequence();
  mv1::Segment sent = Bavaria();
  sent.set_name("segments/chosen-by-client");
  sent.set_etag("bogus");
  sent.mutable_create_time()->set_seconds(1000);
  const mv1::Segment created = Create(sent);

  CHECK(created.name().rfind("segments/", 0) == 0);
  CHECK(created.name() != "segments/chosen-by-client");
  CHECK(created.display_name() == "Bavarian retail");
  CHECK(created.description() == "Retail organisations in Bavaria");
  CHECK(created.criteria().categories_size() == 1);
  CHECK(created.criteria().country_codes(0) == "DE");
  CHECK(created.criteria().regions(0) == "BY");
  CHECK(created.create_time().seconds() > 1000);
  CHECK(created.update_time().seconds() == created.create_time().seconds());
  CHECK(!created.etag().empty());
  CHECK(created.etag() != "bogus");

  mv1::Segment read;
  REQUIRE(Outcome(TryGet(created.name(), &read)) == "OK");
  CHECK(read.SerializeAsString() == created.SerializeAsString());
  CHECK(DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", created.name(), " CreateSegment ")});

  CHECK(Outcome(TryGet("segments/nobody", &read)) == "NOT_FOUND");
  CHECK(Outcome(TryGet("campaigns/x", &read)) == "INVALID_ARGUMENT name");
  CHECK(Outcome(TryGet("", &read)) == "INVALID_ARGUMENT name");
}

TEST_CASE_METHOD(SegmentSuite, "segment: a retry with the same request_id returns the first",
                 "[marketing][segment]") {
  mv1::Segment first, again, other;
  REQUIRE(Outcome(TryCreate(Bavaria(), &first, "seg-1")) == "OK");
  REQUIRE(Outcome(TryCreate(Bavaria(), &again, "seg-1")) == "OK");
  CHECK(again.name() == first.name());
  CHECK(again.etag() == first.etag());
  CHECK(Count() == 1);

  // The same id for a different segment is refused, nothing written.
  CHECK(Outcome(TryCreate(Bavaria("Other"), &other, "seg-1")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(TryCreate(Bavaria(), &other, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Count() == 1);
}

TEST_CASE_METHOD(SegmentSuite, "segment: each bad criterion is named and nothing is written",
                 "[marketing][segment]") {
  const int64_t head = HeadSequence();
  mv1::SegmentCriteria none;
  CHECK(CreateOutcome(none) == "INVALID_ARGUMENT segment.criteria");

  mv1::SegmentCriteria country;
  country.add_country_codes("DE");
  country.add_country_codes("Germany");
  country.add_country_codes("de");
  CHECK(CreateOutcome(country) ==
        "INVALID_ARGUMENT segment.criteria.country_codes[1], segment.criteria.country_codes[2]");

  mv1::SegmentCriteria band;
  band.mutable_age_band()->set_min_age(40);
  band.mutable_age_band()->set_max_age(30);
  CHECK(CreateOutcome(band) == "INVALID_ARGUMENT segment.criteria.age_band.max_age");
  band.mutable_age_band()->set_min_age(151);
  band.mutable_age_band()->set_max_age(0);
  CHECK(CreateOutcome(band) == "INVALID_ARGUMENT segment.criteria.age_band.min_age");
  band.mutable_age_band()->set_min_age(0);
  CHECK(CreateOutcome(band) == "INVALID_ARGUMENT segment.criteria.age_band");
  band.mutable_age_band()->set_max_age(-1);
  CHECK(CreateOutcome(band) == "INVALID_ARGUMENT segment.criteria.age_band.max_age");

  mv1::SegmentCriteria repeated;
  repeated.add_roles(pv1::ROLE_TYPE_CUSTOMER);
  repeated.add_roles(pv1::ROLE_TYPE_PROSPECT);
  repeated.add_roles(pv1::ROLE_TYPE_CUSTOMER);
  repeated.add_regions("BY");
  repeated.add_regions("by");  // regions compare without regard to case
  repeated.add_industry_codes("C26.2");
  repeated.add_industry_codes("C26.2");
  CHECK(CreateOutcome(repeated) ==
        "INVALID_ARGUMENT segment.criteria.roles[2], segment.criteria.regions[1], "
        "segment.criteria.industry_codes[1]");

  mv1::SegmentCriteria unknown;
  unknown.add_categories(static_cast<pv1::PartnerCategory>(99));
  unknown.add_roles(pv1::ROLE_TYPE_UNSPECIFIED);
  unknown.add_customer_classes(static_cast<pv1::CustomerClass>(7));
  CHECK(CreateOutcome(unknown) ==
        "INVALID_ARGUMENT segment.criteria.categories[0], segment.criteria.roles[0], "
        "segment.criteria.customer_classes[0]");

  mv1::SegmentCriteria codes;
  codes.add_regions("");
  codes.add_industry_codes("C 26");
  CHECK(CreateOutcome(codes) ==
        "INVALID_ARGUMENT segment.criteria.regions[0], segment.criteria.industry_codes[0]");

  mv1::SegmentCriteria fields;
  fields.add_custom_fields();  // neither key nor value
  mv1::CustomFieldCriterion* tier = fields.add_custom_fields();
  tier->set_key("loyalty_tier");
  tier->mutable_equals()->set_string_value("gold");
  mv1::CustomFieldCriterion* twice = fields.add_custom_fields();
  twice->set_key("loyalty_tier");
  twice->mutable_equals()->set_string_value("silver");
  mv1::CustomFieldCriterion* bad_key = fields.add_custom_fields();
  bad_key->set_key("loyalty-tier");
  bad_key->mutable_equals()->mutable_date_value()->set_year(2020);
  CHECK(CreateOutcome(fields) ==
        "INVALID_ARGUMENT segment.criteria.custom_fields[0].key, "
        "segment.criteria.custom_fields[0].equals, segment.criteria.custom_fields[2].key, "
        "segment.criteria.custom_fields[3].key, "
        "segment.criteria.custom_fields[3].equals.date_value");

  mv1::SegmentCriteria many;
  for (int i = 0; i < 51; ++i) many.add_industry_codes(absl::StrCat("C", i));
  CHECK(CreateOutcome(many) == "INVALID_ARGUMENT segment.criteria.industry_codes");

  mv1::Segment nameless = Bavaria("");
  nameless.set_description(std::string(2001, 'd'));
  mv1::Segment out;
  CHECK(Outcome(TryCreate(nameless, &out)) ==
        "INVALID_ARGUMENT segment.display_name, segment.description");
  CHECK(Outcome(Call(*segments_, &SS::CreateSegment, mv1::CreateSegmentRequest(), &out)) ==
        "INVALID_ARGUMENT segment");

  CHECK(Count() == 0);
  CHECK(DescribeChangesAfter(head).empty());
}

TEST_CASE_METHOD(SegmentSuite, "segment: listed newest first, a page at a time",
                 "[marketing][segment]") {
  Strings names;
  for (int i = 0; i < 5; ++i) names.push_back(Create(Bavaria(absl::StrCat("Segment ", i))).name());
  const Strings newest_first(names.rbegin(), names.rend());

  const std::vector<Strings> pages = Pages(2);
  REQUIRE(pages.size() == 3);
  CHECK(pages[0] == Strings{newest_first[0], newest_first[1]});
  CHECK(pages[1] == Strings{newest_first[2], newest_first[3]});
  CHECK(pages[2] == Strings{newest_first[4]});
  CHECK(Pages(0) == std::vector<Strings>{newest_first});

  mv1::ListSegmentsRequest request;
  mv1::ListSegmentsResponse response;
  request.set_page_size(-1);
  CHECK(Outcome(Call(*segments_, &SS::ListSegments, request, &response)) ==
        "INVALID_ARGUMENT page_size");
  request.set_page_size(2);
  request.set_page_token("not-a-token");
  CHECK(Outcome(Call(*segments_, &SS::ListSegments, request, &response)) ==
        "INVALID_ARGUMENT page_token");
}

TEST_CASE_METHOD(SegmentSuite, "segment: update changes only the masked fields, checks the etag",
                 "[marketing][segment]") {
  const mv1::Segment created = Create(Bavaria());
  const int64_t head = HeadSequence();

  mv1::Segment change = created;
  change.set_display_name("Bavarian and Saxon retail");
  change.set_description("not in the mask");
  change.mutable_criteria()->add_regions("SN");
  mv1::Segment updated;
  REQUIRE(Outcome(TryUpdate(change, {"display_name"}, &updated)) == "OK");
  CHECK(updated.display_name() == "Bavarian and Saxon retail");
  CHECK(updated.description() == "Retail organisations in Bavaria");
  CHECK(updated.criteria().regions_size() == 1);
  CHECK(updated.etag() != created.etag());
  CHECK(updated.create_time().seconds() == created.create_time().seconds());

  change.set_etag(updated.etag());
  REQUIRE(Outcome(TryUpdate(change, {"criteria"}, &updated)) == "OK");
  CHECK(updated.criteria().regions_size() == 2);
  CHECK(updated.criteria().regions(1) == "SN");

  // The etag read before the last change is stale now.
  mv1::Segment out;
  change.set_etag(created.etag());
  change.set_description("late");
  CHECK(Outcome(TryUpdate(change, {"description"}, &out)) == "ABORTED");

  // Bad masks and bad values are refused.
  change.set_etag("");
  CHECK(Outcome(TryUpdate(change, {}, &out)) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(TryUpdate(change, {"name"}, &out)) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(TryUpdate(change, {"etag"}, &out)) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(TryUpdate(change, {"no_such_field"}, &out)) == "INVALID_ARGUMENT update_mask");
  mv1::Segment bad = change;
  bad.mutable_criteria()->set_country_codes(0, "XX");
  CHECK(Outcome(TryUpdate(bad, {"criteria"}, &out)) ==
        "INVALID_ARGUMENT segment.criteria.country_codes[0]");
  bad.clear_criteria();
  CHECK(Outcome(TryUpdate(bad, {"criteria"}, &out)) == "INVALID_ARGUMENT segment.criteria");
  bad = change;
  bad.set_name("segments/nobody");
  CHECK(Outcome(TryUpdate(bad, {"description"}, &out)) == "NOT_FOUND");
  bad.set_name("");
  CHECK(Outcome(TryUpdate(bad, {"description"}, &out)) == "INVALID_ARGUMENT segment.name");

  mv1::Segment read;
  REQUIRE(Outcome(TryGet(created.name(), &read)) == "OK");
  CHECK(read.SerializeAsString() == updated.SerializeAsString());
  CHECK(DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", created.name(), " UpdateSegment "),
                absl::StrCat("CHANGE_KIND_UPDATED ", created.name(), " UpdateSegment ")});
}

TEST_CASE_METHOD(SegmentSuite, "segment: delete checks the etag, then the segment is gone",
                 "[marketing][segment]") {
  const mv1::Segment created = Create(Bavaria());
  const mv1::Segment kept = Create(Bavaria("Kept"));
  mv1::Segment change = created;
  mv1::Segment updated;
  REQUIRE(Outcome(TryUpdate(change, {"description"}, &updated)) == "OK");
  const int64_t head = HeadSequence();

  CHECK(Outcome(TryDelete(created.name(), created.etag())) == "ABORTED");
  CHECK(Outcome(TryDelete("segments/nobody")) == "NOT_FOUND");
  CHECK(Outcome(TryDelete("leads/x")) == "INVALID_ARGUMENT name");
  CHECK(Count() == 2);

  REQUIRE(Outcome(TryDelete(created.name(), updated.etag())) == "OK");
  mv1::Segment read;
  CHECK(Outcome(TryGet(created.name(), &read)) == "NOT_FOUND");
  CHECK(Outcome(TryDelete(created.name())) == "NOT_FOUND");
  CHECK(Pages(50) == std::vector<Strings>{{kept.name()}});
  CHECK(DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_DELETED ", created.name(), " DeleteSegment ")});
}

}  // namespace
}  // namespace crm::marketing::testing
