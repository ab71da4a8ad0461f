// MergePartners over a real gRPC channel and a real SQLite file, the
// requests: request ids making retries return the first result and stale
// etags refused; bad requests naming the field; up to ten partners merged at
// once; and unknown, inactive and other-category partners refused, none of
// the refused requests writing anything.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "services/partners/tests/merge_suite.h"

namespace crm::partners::testing::merge_testing {
namespace {

TEST_CASE("merge: a retry returns the first result, a stale etag is refused", "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner first = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner second = crm.Create(Person("Anne", "Mayer"));

  SECTION("the same request id and request merge once") {
    pv1::MergePartnersRequest request = MergeRequest(survivor, {first});
    request.set_request_id("merge-7");
    request.set_etag(survivor.etag());
    const auto response = crm.Merge(request);
    const Snapshot after = Take(crm, {survivor, first, second});

    // The survivor's etag has changed since, but a retry is no new merge.
    const auto retried = crm.Merge(request);
    CHECK(MessageDifferencer::Equals(retried, response));
    CheckUnchanged(crm, after);

    // The same id for another request is refused.
    pv1::MergePartnersRequest other = MergeRequest(survivor, {second});
    other.set_request_id("merge-7");
    CHECK(Outcome(crm.Try(&Stub::MergePartners, other)) == "INVALID_ARGUMENT request_id");
    CheckUnchanged(crm, after);
  }
  SECTION("a stale etag of the survivor is ABORTED") {
    pv1::UpdatePartnerRequest update;
    update.mutable_partner()->set_name(survivor.name());
    update.mutable_partner()->mutable_person()->set_given_name("Annabell");
    update.mutable_update_mask()->add_paths("person.given_name");
    const pv1::Partner updated = crm.Ok(&Stub::UpdatePartner, update);
    const Snapshot before = Take(crm, {survivor, first});

    pv1::MergePartnersRequest request = MergeRequest(survivor, {first});
    request.set_etag(survivor.etag());
    CHECK(Outcome(crm.Try(&Stub::MergePartners, request)) == "ABORTED");
    CheckUnchanged(crm, before);

    request.set_etag(updated.etag());
    CHECK(crm.Merge(request).survivor().person().given_name() == "Annabell");
  }
}

TEST_CASE("merge: bad requests name the field and write nothing", "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner first = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner second = crm.Create(Person("Anne", "Mayer"));
  const pv1::Partner bystander = crm.Create(Person("Bert", "Berg"));
  const Snapshot before = Take(crm, {survivor, first, second, bystander});

  auto valid = [&] { return MergeRequest(survivor, {first, second}); };
  auto merging = [&](const std::vector<std::string>& merged) {
    pv1::MergePartnersRequest request = valid();
    request.clear_merged_partners();
    for (const std::string& name : merged) request.add_merged_partners(name);
    return request;
  };
  auto ruled = [&](const std::vector<std::pair<std::string, std::string>>& rules) {
    pv1::MergePartnersRequest request = valid();
    for (const auto& [field, source] : rules) AddRule(&request, field, source);
    return request;
  };
  Strings eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(absl::StrCat("partners/m", i));

  std::vector<std::pair<pv1::MergePartnersRequest, std::string>> cases;
  auto add = [&](pv1::MergePartnersRequest request, const std::string& fields) {
    cases.emplace_back(std::move(request), fields);
  };
  pv1::MergePartnersRequest request = valid();
  request.clear_survivor();
  add(request, "survivor");
  request.set_survivor("customers/anna");
  add(request, "survivor");
  add(merging({}), "merged_partners");
  add(merging(eleven), "merged_partners");
  add(merging({first.name(), survivor.name()}), "merged_partners[1]");
  add(merging({first.name(), first.name()}), "merged_partners[1]");
  add(merging({"anne", second.name()}), "merged_partners[0]");
  add(ruled({{"", first.name()}}), "field_rules[0].field");
  add(ruled({{"no_such_field", first.name()}}), "field_rules[0].field");
  add(ruled({{"person.no_such_field", first.name()}}), "field_rules[0].field");
  for (const std::string output_only :
       {"name", "display_name", "create_time", "update_time", "etag", "state", "merged_into"}) {
    add(ruled({{output_only, first.name()}}), "field_rules[0].field");
  }
  add(ruled({{"category", first.name()}}), "field_rules[0].field");
  add(ruled({{"person.given_name", first.name()}, {"person.given_name", second.name()}}),
      "field_rules[1].field");
  add(ruled({{"person", first.name()}, {"person.given_name", second.name()}}),
      "field_rules[1].field");
  add(ruled({{"organization.legal_name", first.name()}}), "field_rules[0].field");
  add(ruled({{"group", first.name()}}), "field_rules[0].field");
  add(ruled({{"person.given_name", ""}}), "field_rules[0].source_partner");
  add(ruled({{"person.given_name", "anne"}}), "field_rules[0].source_partner");
  add(ruled({{"person.given_name", bystander.name()}}), "field_rules[0].source_partner");
  request = valid();
  request.set_request_id(std::string(101, 'r'));
  add(request, "request_id");
  // Every bad field is named, also in a dry run.
  request = ruled({{"category", first.name()}, {"addresses", bystander.name()}});
  request.clear_survivor();
  request.set_validate_only(true);
  add(request, "survivor, field_rules[0].field, field_rules[1].source_partner");

  for (const auto& [bad, fields] : cases) {
    INFO(bad.ShortDebugString());
    const grpc::Status status = crm.Try(&Stub::MergePartners, bad);
    INFO(status.error_message());
    CHECK(Outcome(status) == "INVALID_ARGUMENT " + fields);
  }
  CheckUnchanged(crm, before);

  // The request they spoil is fine.
  CHECK(crm.Merge(valid()).merged_partners_size() == 2);
}

TEST_CASE("merge: ten partners can be merged at once", "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  std::vector<pv1::Partner> merged;
  for (int i = 0; i < 10; ++i) {
    pv1::Partner partner = Person("Anna", "Meier");
    AddEmail(&partner, absl::StrCat("anna", i, "@example.com"));
    merged.push_back(crm.Create(partner));
  }
  const auto response = crm.Merge(MergeRequest(survivor, merged));
  CHECK(response.merged_partners_size() == 10);
  CHECK(response.survivor().email_addresses_size() == 10);
  CHECK(crm.Listed() == Names{survivor.name()});
}

TEST_CASE("merge: unknown, inactive and other-category partners are refused, nothing written",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner first = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner acme = crm.Create(Organization("Acme AG"));
  const pv1::Partner keeper = crm.Create(Person("Anna", "Maier"));
  const pv1::Partner absorbed = crm.Create(Person("Anna", "Mayr"));
  crm.Merge(MergeRequest(keeper, {absorbed}));
  const pv1::Partner erased = crm.Create(Person("Erika", "Muster"));
  crm.Ok(&Stub::ErasePartner, Named<pv1::ErasePartnerRequest>(erased.name()));
  const Snapshot before = Take(crm, {survivor, first, acme, keeper, absorbed, erased});
  pv1::Partner nobody;
  nobody.set_name("partners/nobody");

  SECTION("a partner of another category names its place in merged_partners") {
    grpc::Status status = crm.Try(&Stub::MergePartners, MergeRequest(survivor, {first, acme}));
    CHECK(Outcome(status) == "INVALID_ARGUMENT merged_partners[1]");
    CHECK(absl::StrContains(status.error_message(), "PARTNER_CATEGORY_ORGANIZATION"));
    status = crm.Try(&Stub::MergePartners, MergeRequest(acme, {first}));
    CHECK(Outcome(status) == "INVALID_ARGUMENT merged_partners[0]");
  }
  SECTION("unknown partners are NOT_FOUND") {
    for (const auto& request :
         {MergeRequest(nobody, {first}), MergeRequest(survivor, {first, nobody})}) {
      INFO(request.ShortDebugString());
      const grpc::Status status = crm.Try(&Stub::MergePartners, request);
      CHECK(Outcome(status) == "NOT_FOUND");
      CHECK(DetailOf<google::rpc::ResourceInfo>(status).resource_name() == nobody.name());
    }
  }
  SECTION("merged and erased partners are FAILED_PRECONDITION") {
    for (const auto& request :
         {MergeRequest(survivor, {absorbed}), MergeRequest(absorbed, {first}),
          MergeRequest(survivor, {first, erased}), MergeRequest(erased, {first})}) {
      INFO(request.ShortDebugString());
      const grpc::Status status = crm.Try(&Stub::MergePartners, request);
      CHECK(Outcome(status) == "FAILED_PRECONDITION");
      CHECK(PreconditionType(status) == "STATE");
    }
  }
  CheckUnchanged(crm, before);
}

}  // namespace
}  // namespace crm::partners::testing::merge_testing
