// MergePartners over a real gRPC channel and a real SQLite file: the default
// rules (the survivor's values win, its gaps are filled from the merged
// partners in the order given, lists are united without repeats or a second
// default, roles and custom values it lacks are added), field rules (a field
// or a whole list from the chosen partner; a source without a value empties
// the field; a result breaking the partner rules is refused); merged
// partners in state MERGED that GetPartner resolves to the survivor, also
// along a chain, that lists and search leave out and that take no writes;
// relationships moved, or dropped with a reason; consent history moved and
// deciding for the survivor; validate_only, request ids and etags; the
// change feed and audit trails; bad requests naming the field, unknown,
// inactive and other-category partners, none of them writing anything; and
// erasure of a survivor (with its merged partners) or of a merged partner.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/partners/partners_spec.h"

namespace {

namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::ErrorReason;
using crm::testing::MakeDate;
using crm::testing::Outcome;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using Names = std::set<std::string>;
using Strings = std::vector<std::string>;
using Stub = pv1::PartnerService::Stub;

// A unary method of the partner service, e.g. &Stub::MergePartners.
template <typename Request, typename Response>
using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

constexpr auto kPerson = pv1::PARTNER_CATEGORY_PERSON;
constexpr auto kOrganization = pv1::PARTNER_CATEGORY_ORGANIZATION;
constexpr auto kMerged = pv1::PARTNER_STATE_MERGED;
constexpr auto kContact = pv1::RELATIONSHIP_TYPE_HAS_CONTACT_PERSON;
constexpr auto kSubsidiary = pv1::RELATIONSHIP_TYPE_IS_SUBSIDIARY_OF;
constexpr auto kShareholder = pv1::RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF;
constexpr auto kMarried = pv1::RELATIONSHIP_TYPE_IS_MARRIED_TO;
const std::string& kIban1 = crm::testing::kValidIbans[0];
const std::string& kIban2 = crm::testing::kValidIbans[1];

// The reasons MoveRelationships gives for a relationship it drops.
constexpr char kWithItself[] = "would relate the survivor to itself";
constexpr char kRepeat[] = "repeats a relationship the survivor has in that period";
constexpr char kCycle[] = "would make a cycle in the organisation hierarchy";
constexpr char kSecondParent[] =
    "the subsidiary would have a second parent organisation in that period";

// The type of the PreconditionFailure, e.g. "STATE" or "MERGE_RESULT_INVALID".
std::string PreconditionType(const grpc::Status& status) {
  const auto failure = DetailOf<google::rpc::PreconditionFailure>(status);
  return failure.violations().empty() ? "" : failure.violations(0).type();
}

// Partners as a user sends them.
pv1::Partner Person(const std::string& given_name, const std::string& family_name) {
  pv1::Partner partner;
  partner.set_category(kPerson);
  partner.mutable_person()->set_given_name(given_name);
  partner.mutable_person()->set_family_name(family_name);
  return partner;
}

pv1::Partner Organization(const std::string& legal_name) {
  pv1::Partner partner;
  partner.set_category(kOrganization);
  partner.mutable_organization()->set_legal_name(legal_name);
  return partner;
}

void AddAddress(pv1::Partner* partner, const std::string& street, const std::string& city,
                bool is_default = false) {
  pv1::Address* address = partner->add_addresses();
  address->set_type(pv1::ADDRESS_TYPE_PRIVATE);
  address->add_street_lines(street);
  address->set_city(city);
  address->set_country_code("DE");
  address->set_is_default(is_default);
}

void AddEmail(pv1::Partner* partner, const std::string& address, bool is_default = false) {
  pv1::EmailAddress* email = partner->add_email_addresses();
  email->set_address(address);
  email->set_is_default(is_default);
}

void AddPhone(pv1::Partner* partner, const std::string& number, bool is_default = false) {
  pv1::PhoneNumber* phone = partner->add_phone_numbers();
  phone->set_number(number);
  phone->set_is_default(is_default);
}

void AddRole(pv1::Partner* partner, pv1::RoleType type,
             pv1::CustomerClass customer_class = pv1::CUSTOMER_CLASS_UNSPECIFIED) {
  pv1::Role* role = partner->add_roles();
  role->set_type(type);
  if (customer_class != pv1::CUSTOMER_CLASS_UNSPECIFIED) {
    role->mutable_customer()->set_customer_class(customer_class);
  }
}

pv1::MergePartnersRequest MergeRequest(const pv1::Partner& survivor,
                                       const std::vector<pv1::Partner>& merged) {
  pv1::MergePartnersRequest request;
  request.set_survivor(survivor.name());
  for (const pv1::Partner& partner : merged) request.add_merged_partners(partner.name());
  return request;
}

void AddRule(pv1::MergePartnersRequest* request, const std::string& field,
             const std::string& source_partner) {
  pv1::MergeFieldRule* rule = request->add_field_rules();
  rule->set_field(field);
  rule->set_source_partner(source_partner);
}

pv1::Relationship Link(pv1::RelationshipType type, const pv1::Partner& from,
                       const pv1::Partner& to) {
  pv1::Relationship relationship;
  relationship.set_type(type);
  relationship.set_partner(from.name());
  relationship.set_related_partner(to.name());
  return relationship;
}

// A consent decision for `parent`, effective `ago` before now.
template <typename Request>
Request Decision(const std::string& parent, pv1::ContactChannel channel,
                 pv1::ContactPurpose purpose, absl::Duration ago) {
  Request request;
  request.set_parent(parent);
  pv1::ConsentRecord* record = request.mutable_consent_record();
  record->set_channel(channel);
  record->set_purpose(purpose);
  record->set_source("call centre, agent 17");
  record->set_text_version("terms-2026-01");
  *record->mutable_effective_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - ago));
  return request;
}

template <typename Request>
Request Named(const std::string& name) {
  Request request;
  request.set_name(name);
  return request;
}

// Names of the relationships, consent records or partners given.
template <typename Message>
Names NamesOf(const google::protobuf::RepeatedPtrField<Message>& messages) {
  Names names;
  for (const Message& message : messages) names.insert(message.name());
  return names;
}

// A partners service in this process, with its change feed.
class Crm {
 public:
  Crm()
      : service_(crm::partners::PartnersSpec()),
        stub_(pv1::PartnerService::NewStub(service_.channel())),
        feed_(fv1::ChangeFeedService::NewStub(service_.channel())) {}

  template <typename Request, typename Response>
  grpc::Status Call(Rpc<Request, Response> method, const Request& request, Response* response) {
    return ((*stub_).*method)(ContextWithDeadline().get(), request, response);
  }

  // Only the status, e.g. Outcome(Try(&Stub::UpdatePartner, request)) == "OK".
  template <typename Request, typename Response>
  grpc::Status Try(Rpc<Request, Response> method, const Request& request) {
    Response ignored;
    return Call(method, request, &ignored);
  }

  // A call that must succeed; its response.
  template <typename Request, typename Response>
  Response Ok(Rpc<Request, Response> method, const Request& request) {
    Response response;
    const grpc::Status status = Call(method, request, &response);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return response;
  }

  // Duplicates are what a merge is for, so the duplicate check is skipped.
  pv1::Partner Create(const pv1::Partner& partner) {
    pv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    request.set_skip_duplicate_check(true);
    return Ok(&Stub::CreatePartner, request);
  }

  pv1::MergePartnersResponse Merge(const pv1::MergePartnersRequest& request) {
    return Ok(&Stub::MergePartners, request);
  }

  pv1::Partner Get(const std::string& name) {
    return Ok(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(name));
  }

  // The record itself in any state, where GetPartner would follow a merge.
  pv1::Partner Stored(const std::string& name) { return Export(name).partner(); }

  pv1::PartnerDataExport Export(const std::string& name) {
    return Ok(&Stub::ExportPartnerData, Named<pv1::ExportPartnerDataRequest>(name));
  }

  pv1::Relationship Relate(const pv1::Relationship& relationship) {
    pv1::CreateRelationshipRequest request;
    *request.mutable_relationship() = relationship;
    return Ok(&Stub::CreateRelationship, request);
  }

  std::vector<pv1::Relationship> RelationshipsOf(const std::string& partner) {
    pv1::ListRelationshipsRequest request;
    request.set_partner(partner);
    request.set_page_size(1000);
    const auto response = Ok(&Stub::ListRelationships, request);
    return {response.relationships().begin(), response.relationships().end()};
  }

  // Newest decision first.
  std::vector<pv1::ConsentRecord> ConsentOf(const std::string& partner) {
    pv1::ListConsentRecordsRequest request;
    request.set_parent(partner);
    request.set_page_size(1000);
    const auto response = Ok(&Stub::ListConsentRecords, request);
    return {response.consent_records().begin(), response.consent_records().end()};
  }

  pv1::ContactDecision Check(const std::string& partner, pv1::ContactChannel channel,
                             pv1::ContactPurpose purpose) {
    pv1::CheckContactPermissionRequest request;
    request.set_partner(partner);
    request.set_channel(channel);
    request.set_purpose(purpose);
    return Ok(&Stub::CheckContactPermission, request);
  }

  void DefineTextField(const std::string& key) {
    pv1::CreateCustomFieldDefinitionRequest request;
    request.set_custom_field_definition_id(key);
    request.mutable_custom_field_definition()->set_display_name(key);
    request.mutable_custom_field_definition()->set_type(pv1::CUSTOM_FIELD_TYPE_STRING);
    request.mutable_custom_field_definition()->add_categories(kPerson);
    Ok(&Stub::CreateCustomFieldDefinition, request);
  }

  Names Listed() {
    pv1::ListPartnersRequest request;
    request.set_page_size(1000);
    return NamesOf(Ok(&Stub::ListPartners, request).partners());
  }

  Names Found(const std::string& query) {
    pv1::SearchPartnersRequest request;
    request.set_query(query);
    request.set_page_size(100);
    const auto response = Ok(&Stub::SearchPartners, request);
    Names names;
    for (const auto& result : response.results()) names.insert(result.partner().name());
    return names;
  }

  // The partner's audit trail, newest first.
  std::vector<pv1::AuditEvent> Audit(const std::string& partner) {
    pv1::ListAuditEventsRequest request;
    request.set_parent(partner);
    request.set_page_size(1000);
    const auto response = Ok(&Stub::ListAuditEvents, request);
    return {response.audit_events().begin(), response.audit_events().end()};
  }

  // The feed after `sequence`, oldest first (one page of up to 1000).
  std::vector<fv1::Change> ChangesAfter(int64_t sequence) {
    fv1::ListChangesRequest request;
    request.set_after_sequence(sequence);
    request.set_page_size(1000);
    fv1::ListChangesResponse response;
    REQUIRE(Outcome(feed_->ListChanges(ContextWithDeadline().get(), request, &response)) == "OK");
    return {response.changes().begin(), response.changes().end()};
  }

  int64_t Head() {
    fv1::ListChangesRequest request;
    request.set_page_size(1);
    fv1::ListChangesResponse response;
    REQUIRE(Outcome(feed_->ListChanges(ContextWithDeadline().get(), request, &response)) == "OK");
    return response.head_sequence();
  }

 private:
  crm::testing::InProcessService service_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed_;
};

// Everything the service holds about some partners (record, relationships,
// consent history, audit trail) and the head of the feed: what a request
// that must write nothing leaves as it was.
struct Snapshot {
  std::map<std::string, pv1::PartnerDataExport> exports;
  int64_t head = 0;
};

Snapshot Take(Crm& crm, const std::vector<pv1::Partner>& partners) {
  Snapshot snapshot;
  for (const pv1::Partner& partner : partners) {
    pv1::PartnerDataExport data = crm.Export(partner.name());
    data.clear_export_time();
    snapshot.exports[partner.name()] = data;
  }
  snapshot.head = crm.Head();
  return snapshot;
}

void CheckUnchanged(Crm& crm, const Snapshot& before) {
  CHECK(crm.Head() == before.head);
  for (const auto& [name, data] : before.exports) {
    INFO("partner " << name);
    pv1::PartnerDataExport now = crm.Export(name);
    now.clear_export_time();
    CHECK(MessageDifferencer::Equals(now, data));
  }
}

Strings Emails(const pv1::Partner& partner) {
  Strings out;
  for (const auto& email : partner.email_addresses()) {
    out.push_back(absl::StrCat(email.address(), email.is_default() ? " (default)" : ""));
  }
  return out;
}

Strings Cities(const pv1::Partner& partner) {
  Strings out;
  for (const auto& address : partner.addresses()) {
    out.push_back(absl::StrCat(address.city(), address.is_default() ? " (default)" : ""));
  }
  return out;
}

// "ROLE_TYPE_CUSTOMER CUSTOMER_CLASS_B" per role.
Strings Roles(const pv1::Partner& partner) {
  Strings out;
  for (const auto& role : partner.roles()) {
    std::string text = pv1::RoleType_Name(role.type());
    if (role.has_customer()) {
      absl::StrAppend(&text, " ", pv1::CustomerClass_Name(role.customer().customer_class()));
    }
    out.push_back(text);
  }
  return out;
}

// The relationship with the merged partner's name replaced by the survivor's.
pv1::Relationship Repointed(pv1::Relationship relationship, const std::string& from,
                            const std::string& to) {
  if (relationship.partner() == from) relationship.set_partner(to);
  if (relationship.related_partner() == from) relationship.set_related_partner(to);
  return relationship;
}

// Equal but for the fields a write stamps.
bool SameContent(pv1::Relationship a, pv1::Relationship b) {
  for (pv1::Relationship* r : {&a, &b}) {
    r->clear_update_time();
    r->clear_etag();
  }
  return MessageDifferencer::Equals(a, b);
}

}  // namespace

TEST_CASE("merge: the survivor's values win and its gaps are filled in the order given",
          "[partners][merge]") {
  Crm crm;
  crm.DefineTextField("nickname");
  crm.DefineTextField("tier");

  pv1::Partner survivor = Person("Anna", "Meier");
  AddAddress(&survivor, "Hauptstr. 1", "Berlin", /*is_default=*/true);
  AddEmail(&survivor, "anna@example.com", /*is_default=*/true);
  AddPhone(&survivor, "+4930111111");
  survivor.add_bank_accounts()->set_iban(kIban1);
  AddRole(&survivor, pv1::ROLE_TYPE_CUSTOMER, pv1::CUSTOMER_CLASS_B);
  (*survivor.mutable_custom_fields())["nickname"].set_string_value("Anni");
  survivor = crm.Create(survivor);

  pv1::Partner first = Person("Anne", "Meyer");
  first.mutable_person()->set_marital_status(pv1::MARITAL_STATUS_MARRIED);
  AddAddress(&first, "Hauptstr. 1", "BERLIN");  // the survivor's, the city in other case
  AddAddress(&first, "Kaiserweg 7", "Hamburg", /*is_default=*/true);
  AddEmail(&first, "ANNA@example.com");  // the survivor's, in other case
  AddEmail(&first, "a.meier@example.org", /*is_default=*/true);
  AddPhone(&first, "+4930111111");
  AddPhone(&first, "+491701234567", /*is_default=*/true);
  first.add_bank_accounts()->set_iban(kIban1);
  first.add_bank_accounts()->set_iban(kIban2);
  AddRole(&first, pv1::ROLE_TYPE_CUSTOMER, pv1::CUSTOMER_CLASS_A);
  AddRole(&first, pv1::ROLE_TYPE_PROSPECT);
  (*first.mutable_custom_fields())["nickname"].set_string_value("Anne");
  (*first.mutable_custom_fields())["tier"].set_string_value("gold");
  first = crm.Create(first);

  pv1::Partner second = Person("", "Mayer");
  second.mutable_person()->set_marital_status(pv1::MARITAL_STATUS_SINGLE);
  *second.mutable_person()->mutable_birth_date() = MakeDate(1980, 3, 4);
  AddEmail(&second, "m2@example.net", /*is_default=*/true);
  AddRole(&second, pv1::ROLE_TYPE_VENDOR);
  (*second.mutable_custom_fields())["tier"].set_string_value("silver");
  second = crm.Create(second);

  const auto response = crm.Merge(MergeRequest(survivor, {first, second}));
  const pv1::Partner& merged = response.survivor();

  // Its own values stay; gaps take the first merged value there is.
  CHECK(merged.person().given_name() == "Anna");
  CHECK(merged.person().family_name() == "Meier");
  CHECK(merged.display_name() == survivor.display_name());
  CHECK(merged.person().marital_status() == pv1::MARITAL_STATUS_MARRIED);  // first, not second
  CHECK(MessageDifferencer::Equals(merged.person().birth_date(), MakeDate(1980, 3, 4)));

  // Lists united without repeats; the survivor's default stays the only one.
  CHECK(Cities(merged) == Strings{"Berlin (default)", "Hamburg"});
  CHECK(Emails(merged) ==
        Strings{"anna@example.com (default)", "a.meier@example.org", "m2@example.net"});
  REQUIRE(merged.phone_numbers_size() == 2);
  CHECK(merged.phone_numbers(0).number() == "+4930111111");
  CHECK(merged.phone_numbers(1).number() == "+491701234567");
  CHECK_FALSE(merged.phone_numbers(1).is_default());
  REQUIRE(merged.bank_accounts_size() == 2);
  CHECK(merged.bank_accounts(0).iban() == kIban1);
  CHECK(merged.bank_accounts(1).iban() == kIban2);

  // Roles and custom values only where the survivor has none.
  CHECK(Roles(merged) == Strings{"ROLE_TYPE_CUSTOMER CUSTOMER_CLASS_B", "ROLE_TYPE_PROSPECT",
                                 "ROLE_TYPE_VENDOR"});
  REQUIRE(merged.custom_fields_size() == 2);
  CHECK(merged.custom_fields().at("nickname").string_value() == "Anni");
  CHECK(merged.custom_fields().at("tier").string_value() == "gold");

  // Output-only fields are the survivor's, at a new version.
  CHECK(merged.name() == survivor.name());
  CHECK(MessageDifferencer::Equals(merged.create_time(), survivor.create_time()));
  CHECK(merged.etag() != survivor.etag());
  CHECK(merged.state() == pv1::PARTNER_STATE_ACTIVE);
  CHECK(merged.merged_into().empty());
  CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));

  // The merged partners keep their data, in the order asked.
  REQUIRE(response.merged_partners_size() == 2);
  CHECK(response.merged_partners(0).name() == first.name());
  CHECK(response.merged_partners(1).name() == second.name());
  CHECK(response.merged_partners(0).person().family_name() == "Meyer");
  CHECK(response.merged_partners(1).person().family_name() == "Mayer");
  CHECK(response.moved_relationships().empty());
  CHECK(response.dropped_relationships().empty());
  CHECK(response.moved_consent_records().empty());
}

TEST_CASE("merge: field rules take a field or a whole list from the chosen partner",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner survivor = Person("Anna", "Meier");
  *survivor.mutable_person()->mutable_birth_date() = MakeDate(1975, 1, 2);
  AddAddress(&survivor, "Hauptstr. 1", "Berlin", /*is_default=*/true);
  AddEmail(&survivor, "anna@example.com");
  survivor = crm.Create(survivor);
  pv1::Partner first = Person("Anne", "Meyer");
  AddAddress(&first, "Kaiserweg 7", "Hamburg", /*is_default=*/true);
  AddAddress(&first, "Deich 2", "Bremen");
  AddEmail(&first, "anne@example.org");
  first = crm.Create(first);
  const pv1::Partner second = crm.Create(Person("", "Mayer"));

  pv1::MergePartnersRequest request = MergeRequest(survivor, {first, second});

  SECTION("a field from a merged partner") {
    AddRule(&request, "person.family_name", first.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK(merged.person().family_name() == "Meyer");
    CHECK(merged.person().given_name() == "Anna");
    CHECK(merged.display_name() == "Meyer, Anna");
    CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));
  }
  SECTION("a whole list from a merged partner replaces the survivor's, defaults and all") {
    AddRule(&request, "addresses", first.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK(Cities(merged) == Strings{"Hamburg (default)", "Bremen"});
    CHECK(Emails(merged) == Strings{"anna@example.com", "anne@example.org"});  // still united
    CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));
  }
  SECTION("a list from the survivor keeps only its own") {
    AddRule(&request, "email_addresses", survivor.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK(Emails(merged) == Strings{"anna@example.com"});
    CHECK(Cities(merged) == Strings{"Berlin (default)", "Hamburg", "Bremen"});
  }
  SECTION("a source without a value empties the field") {
    AddRule(&request, "person.birth_date", first.name());
    AddRule(&request, "person.given_name", second.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK_FALSE(merged.person().has_birth_date());
    CHECK(merged.person().given_name().empty());
    CHECK(merged.display_name() == "Meier");
    CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));
  }
}

TEST_CASE("merge: a result that breaks the partner rules is refused until field rules fix it",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner survivor = Person("Anna", "Meier");
  for (int i = 0; i < 15; ++i) AddEmail(&survivor, absl::StrCat("anna", i, "@example.com"));
  survivor = crm.Create(survivor);
  pv1::Partner other = Person("Anne", "Meyer");
  for (int i = 0; i < 10; ++i) AddEmail(&other, absl::StrCat("anne", i, "@example.org"));
  other = crm.Create(other);
  const Snapshot before = Take(crm, {survivor, other});

  // United, 25 e-mail addresses: more than the 20 a partner may have.
  pv1::MergePartnersRequest request = MergeRequest(survivor, {other});
  const grpc::Status status = crm.Try(&Stub::MergePartners, request);
  CHECK(Outcome(status) == "FAILED_PRECONDITION");
  CHECK(PreconditionType(status) == "MERGE_RESULT_INVALID");
  CHECK(absl::StrContains(status.error_message(), "survivor.email_addresses"));
  CheckUnchanged(crm, before);

  AddRule(&request, "email_addresses", survivor.name());
  CHECK(crm.Merge(request).survivor().email_addresses_size() == 15);
}

TEST_CASE("merge: merged partners resolve to the survivor, leave lists and search, take no writes",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne.meyer@example.org");
  AddRole(&other, pv1::ROLE_TYPE_PROSPECT);
  other = crm.Create(other);
  const pv1::Partner organization = crm.Create(Organization("Acme AG"));
  REQUIRE(crm.Found("anne.meyer@example.org") == Names{other.name()});

  const auto response = crm.Merge(MergeRequest(survivor, {other}));

  // The record stays, merged.
  const pv1::Partner stored = crm.Stored(other.name());
  CHECK(stored.state() == kMerged);
  CHECK(stored.merged_into() == survivor.name());
  CHECK(stored.person().family_name() == "Meyer");
  REQUIRE(response.merged_partners_size() == 1);
  CHECK(MessageDifferencer::Equals(response.merged_partners(0), stored));

  // GetPartner answers with the survivor, under the survivor's name.
  const pv1::Partner got = crm.Get(other.name());
  CHECK(got.name() == survivor.name());
  CHECK(MessageDifferencer::Equals(got, crm.Get(survivor.name())));
  CHECK(MessageDifferencer::Equals(got, response.survivor()));

  // Lists and search show the survivor only, found by the merged partner's e-mail.
  CHECK(crm.Listed() == Names{survivor.name(), organization.name()});
  CHECK(crm.Found("anne.meyer@example.org") == Names{survivor.name()});

  // Writes are refused, and change nothing.
  auto expect_refused = [&](const grpc::Status& status) {
    INFO(status.error_message());
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(PreconditionType(status) == "STATE");
  };
  pv1::UpdatePartnerRequest update;
  update.mutable_partner()->set_name(other.name());
  update.mutable_partner()->mutable_person()->set_family_name("Neumann");
  update.mutable_update_mask()->add_paths("person.family_name");
  expect_refused(crm.Try(&Stub::UpdatePartner, update));
  auto add = Named<pv1::AddPartnerRoleRequest>(other.name());
  add.mutable_role()->set_type(pv1::ROLE_TYPE_VENDOR);
  expect_refused(crm.Try(&Stub::AddPartnerRole, add));
  auto remove = Named<pv1::RemovePartnerRoleRequest>(other.name());
  remove.set_role_type(pv1::ROLE_TYPE_PROSPECT);
  expect_refused(crm.Try(&Stub::RemovePartnerRole, remove));
  expect_refused(crm.Try(&Stub::GrantConsent,
                         Decision<pv1::GrantConsentRequest>(other.name(), pv1::CONTACT_CHANNEL_EMAIL,
                                                            pv1::CONTACT_PURPOSE_SALES,
                                                            absl::Hours(1))));
  pv1::CreateRelationshipRequest relate;
  *relate.mutable_relationship() = Link(kContact, organization, other);
  expect_refused(crm.Try(&Stub::CreateRelationship, relate));
  CHECK(MessageDifferencer::Equals(crm.Stored(other.name()), stored));

  // Nobody may contact it by its old name.
  const auto decision =
      crm.Check(other.name(), pv1::CONTACT_CHANNEL_EMAIL, pv1::CONTACT_PURPOSE_SALES);
  CHECK_FALSE(decision.allowed());
  CHECK(decision.reason() == pv1::CONTACT_DECISION_REASON_PARTNER_INACTIVE);
}

TEST_CASE("merge: along a chain of merges every name resolves to the last survivor",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner a = Person("Anna", "Meier");
  AddEmail(&a, "a@example.com");
  a = crm.Create(a);
  const pv1::Partner b = crm.Create(Person("Anna", "Meyer"));
  const pv1::Partner c = crm.Create(Person("Anna", "Mayer"));

  crm.Merge(MergeRequest(b, {a}));
  const int64_t head = crm.Head();
  const auto response = crm.Merge(MergeRequest(c, {b}));

  for (const pv1::Partner& partner : {a, b}) {
    INFO("partner " << partner.name());
    CHECK(crm.Get(partner.name()).name() == c.name());
    const pv1::Partner stored = crm.Stored(partner.name());
    CHECK(stored.state() == kMerged);
    CHECK(stored.merged_into() == c.name());  // one step, not through b
  }
  CHECK(Emails(crm.Get(c.name())) == Strings{"a@example.com"});  // a's data went along with b's
  REQUIRE(response.merged_partners_size() == 1);
  CHECK(response.merged_partners(0).name() == b.name());

  // a's new survivor is on the feed.
  bool a_repointed = false;
  for (const fv1::Change& change : crm.ChangesAfter(head)) {
    pv1::Partner published;
    if (change.resource_name() == a.name() && change.resource().UnpackTo(&published)) {
      a_repointed = published.merged_into() == c.name() && published.state() == kMerged;
    }
  }
  CHECK(a_repointed);
}

TEST_CASE("merge: relationships move to the survivor, those it cannot hold are dropped",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner other = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner acme = crm.Create(Organization("Acme AG"));
  const pv1::Partner bolt = crm.Create(Organization("Bolt GmbH"));

  pv1::Relationship contact = Link(kContact, acme, other);
  contact.mutable_contact_person()->set_department("Purchasing");
  contact = crm.Relate(contact);
  pv1::Relationship shares = Link(kShareholder, other, acme);
  shares.mutable_shareholder()->set_share_basis_points(2500);
  shares = crm.Relate(shares);
  // Bolt's contact is the survivor since 2020; the other was contact before,
  // and again since 2021.
  pv1::Relationship held = Link(kContact, bolt, survivor);
  *held.mutable_valid_from() = MakeDate(2020, 1, 1);
  held = crm.Relate(held);
  pv1::Relationship earlier = Link(kContact, bolt, other);
  *earlier.mutable_valid_from() = MakeDate(2015, 1, 1);
  *earlier.mutable_valid_to() = MakeDate(2019, 12, 31);
  earlier = crm.Relate(earlier);
  pv1::Relationship repeat = Link(kContact, bolt, other);
  *repeat.mutable_valid_from() = MakeDate(2021, 1, 1);
  repeat = crm.Relate(repeat);
  const pv1::Relationship marriage = crm.Relate(Link(kMarried, survivor, other));

  const auto response = crm.Merge(MergeRequest(survivor, {other}));

  // Moved: the survivor in the merged partner's place, attributes kept.
  CHECK(NamesOf(response.moved_relationships()) ==
        Names{contact.name(), shares.name(), earlier.name()});
  for (const pv1::Relationship& moved : response.moved_relationships()) {
    INFO("relationship " << moved.name());
    const pv1::Relationship* before = moved.name() == contact.name() ? &contact
                                      : moved.name() == shares.name() ? &shares
                                                                      : &earlier;
    CHECK(SameContent(moved, Repointed(*before, other.name(), survivor.name())));
    CHECK(moved.etag() != before->etag());
    CHECK(MessageDifferencer::Equals(
        crm.Ok(&Stub::GetRelationship, Named<pv1::GetRelationshipRequest>(moved.name())), moved));
  }

  // Dropped: deleted, reported as they were, with the reason.
  std::map<std::string, std::string> reasons;
  for (const pv1::DroppedRelationship& dropped : response.dropped_relationships()) {
    reasons[dropped.relationship().name()] = dropped.reason();
    const pv1::Relationship& before =
        dropped.relationship().name() == repeat.name() ? repeat : marriage;
    CHECK(MessageDifferencer::Equals(dropped.relationship(), before));
    CHECK(Outcome(crm.Try(&Stub::GetRelationship,
                          Named<pv1::GetRelationshipRequest>(dropped.relationship().name()))) ==
          "NOT_FOUND");
  }
  CHECK(reasons == std::map<std::string, std::string>{{repeat.name(), kRepeat},
                                                      {marriage.name(), kWithItself}});

  // Readable from both sides; nothing is left with the merged partner.
  auto names = [](const std::vector<pv1::Relationship>& relationships) {
    Names out;
    for (const auto& r : relationships) out.insert(r.name());
    return out;
  };
  CHECK(names(crm.RelationshipsOf(survivor.name())) ==
        Names{contact.name(), shares.name(), held.name(), earlier.name()});
  CHECK(names(crm.RelationshipsOf(acme.name())) == Names{contact.name(), shares.name()});
  CHECK(names(crm.RelationshipsOf(bolt.name())) == Names{held.name(), earlier.name()});
  CHECK(crm.RelationshipsOf(other.name()).empty());
}

TEST_CASE("merge: a hierarchy move that would make a cycle or a second parent is dropped",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Organization("Acme AG"));
  const pv1::Partner parent = crm.Create(Organization("Acme Holding AG"));
  const pv1::Partner subsidiary = crm.Create(Organization("Acme Services GmbH"));
  const pv1::Partner other_parent = crm.Create(Organization("Bolt Holding AG"));
  const pv1::Partner below = crm.Create(Organization("ACME AG"));   // below the subsidiary
  const pv1::Partner beside = crm.Create(Organization("Acme AG."));  // in another hierarchy
  crm.Relate(Link(kSubsidiary, survivor, parent));
  crm.Relate(Link(kSubsidiary, subsidiary, survivor));
  const pv1::Relationship cycle = crm.Relate(Link(kSubsidiary, below, subsidiary));
  const pv1::Relationship second = crm.Relate(Link(kSubsidiary, beside, other_parent));

  const auto response = crm.Merge(MergeRequest(survivor, {below, beside}));

  CHECK(response.moved_relationships().empty());
  std::map<std::string, std::string> reasons;
  for (const pv1::DroppedRelationship& dropped : response.dropped_relationships()) {
    reasons[dropped.relationship().name()] = dropped.reason();
  }
  CHECK(reasons == std::map<std::string, std::string>{{cycle.name(), kCycle},
                                                      {second.name(), kSecondParent}});
  pv1::GetPartnerHierarchyResponse hierarchy =
      crm.Ok(&Stub::GetPartnerHierarchy, Named<pv1::GetPartnerHierarchyRequest>(survivor.name()));
  Strings nodes;
  for (const auto& node : hierarchy.nodes()) nodes.push_back(node.partner());
  CHECK(nodes == Strings{parent.name(), survivor.name(), subsidiary.name()});
}

TEST_CASE("merge: a relationship between two merged partners is dropped",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner first = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner second = crm.Create(Person("Anne", "Mayer"));
  const pv1::Relationship marriage = crm.Relate(Link(kMarried, first, second));

  const auto response = crm.Merge(MergeRequest(survivor, {first, second}));

  // Both sides became the survivor: the relationship is gone, and reported
  // as dropped with the reason.
  REQUIRE(response.dropped_relationships_size() == 1);
  CHECK(response.dropped_relationships(0).relationship().name() == marriage.name());
  CHECK(response.dropped_relationships(0).reason() == kWithItself);
  CHECK(Outcome(crm.Try(&Stub::GetRelationship,
                        Named<pv1::GetRelationshipRequest>(marriage.name()))) == "NOT_FOUND");
  CHECK(crm.RelationshipsOf(survivor.name()).empty());
  // Reported as it was before the merge, and never as moved.
  CHECK(MessageDifferencer::Equals(response.dropped_relationships(0).relationship(), marriage));
  CHECK(response.moved_relationships_size() == 0);
}

TEST_CASE("merge: consent history moves to the survivor and decides for it",
          "[partners][merge]") {
  Crm crm;
  constexpr auto kEmail = pv1::CONTACT_CHANNEL_EMAIL;
  constexpr auto kPhone = pv1::CONTACT_CHANNEL_PHONE;
  constexpr auto kMarketing = pv1::CONTACT_PURPOSE_MARKETING;
  constexpr auto kSales = pv1::CONTACT_PURPOSE_SALES;
  constexpr auto kService = pv1::CONTACT_PURPOSE_SERVICE;
  using Grant = pv1::GrantConsentRequest;
  using Withdraw = pv1::WithdrawConsentRequest;

  pv1::Partner survivor = Person("Anna", "Meier");
  AddEmail(&survivor, "anna@example.com");
  survivor = crm.Create(survivor);
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  AddPhone(&other, "+4930123456");
  other = crm.Create(other);
  const std::string& s = survivor.name();
  const std::string& o = other.name();
  // The name a record of the other partner gets below the survivor.
  auto below_survivor = [&](const pv1::ConsentRecord& record) {
    return absl::StrCat(s, record.name().substr(o.size()));
  };

  // E-mail marketing: the survivor's grant is newer than the other's withdrawal.
  const auto marketing =
      crm.Ok(&Stub::GrantConsent, Decision<Grant>(s, kEmail, kMarketing, absl::Hours(72)));
  crm.Ok(&Stub::WithdrawConsent, Decision<Withdraw>(o, kEmail, kMarketing, absl::Hours(120)));
  // E-mail service: the other's grant is newer than the survivor's withdrawal.
  crm.Ok(&Stub::WithdrawConsent, Decision<Withdraw>(s, kEmail, kService, absl::Hours(48)));
  const auto service =
      crm.Ok(&Stub::GrantConsent, Decision<Grant>(o, kEmail, kService, absl::Hours(24)));
  // Phone sales: only the other decided, and only it has a phone number.
  const auto sales =
      crm.Ok(&Stub::GrantConsent, Decision<Grant>(o, kPhone, kSales, absl::Hours(24)));
  const std::vector<pv1::ConsentRecord> history = crm.ConsentOf(o);
  REQUIRE(history.size() == 3);
  REQUIRE(crm.Check(s, kEmail, kService).reason() ==
          pv1::CONTACT_DECISION_REASON_CONSENT_WITHDRAWN);
  REQUIRE(crm.Check(s, kPhone, kSales).reason() == pv1::CONTACT_DECISION_REASON_NO_CONSENT);

  const auto response = crm.Merge(MergeRequest(survivor, {other}));

  // Each record moved whole, only renamed below the survivor.
  REQUIRE(response.moved_consent_records_size() == 3);
  std::map<std::string, pv1::ConsentRecord> moved;
  for (const pv1::ConsentRecord& record : response.moved_consent_records()) {
    moved[record.name()] = record;
  }
  for (const pv1::ConsentRecord& record : history) {
    INFO("record " << record.name());
    pv1::ConsentRecord renamed = record;
    renamed.set_name(below_survivor(record));
    REQUIRE(moved.count(renamed.name()) == 1);
    CHECK(MessageDifferencer::Equals(moved[renamed.name()], renamed));
  }

  // The survivor's history holds both; the other's is empty.
  Names held;
  for (const auto& record : crm.ConsentOf(s)) held.insert(record.name());
  CHECK(held.size() == 5);
  for (const auto& [name, record] : moved) CHECK(held.count(name) == 1);
  CHECK(crm.ConsentOf(o).empty());

  // The newest decision holds, whichever partner made it.
  const auto email_marketing = crm.Check(s, kEmail, kMarketing);
  CHECK(email_marketing.allowed());
  CHECK(email_marketing.consent_record() == marketing.name());
  const auto email_service = crm.Check(s, kEmail, kService);
  CHECK(email_service.allowed());
  CHECK(email_service.consent_record() == below_survivor(service));
  const auto phone_sales = crm.Check(s, kPhone, kSales);
  CHECK(phone_sales.allowed());
  CHECK(phone_sales.consent_record() == below_survivor(sales));
}

TEST_CASE("merge: validate_only shows the result and writes nothing", "[partners][merge]") {
  Crm crm;
  pv1::Partner survivor = Person("Anna", "Meier");
  AddEmail(&survivor, "anna@example.com");
  survivor = crm.Create(survivor);
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  other = crm.Create(other);
  const pv1::Partner acme = crm.Create(Organization("Acme AG"));
  const pv1::Relationship contact = crm.Relate(Link(kContact, acme, other));
  crm.Ok(&Stub::GrantConsent,
         Decision<pv1::GrantConsentRequest>(other.name(), pv1::CONTACT_CHANNEL_EMAIL,
                                            pv1::CONTACT_PURPOSE_SALES, absl::Hours(1)));
  const Snapshot before = Take(crm, {survivor, other, acme});

  pv1::MergePartnersRequest request = MergeRequest(survivor, {other});
  request.set_validate_only(true);
  const auto preview = crm.Merge(request);

  CHECK(Emails(preview.survivor()) == Strings{"anna@example.com", "anne@example.org"});
  REQUIRE(preview.merged_partners_size() == 1);
  CHECK(preview.merged_partners(0).state() == kMerged);
  CHECK(preview.merged_partners(0).merged_into() == survivor.name());
  CHECK(NamesOf(preview.moved_relationships()) == Names{contact.name()});
  CHECK(preview.moved_consent_records_size() == 1);

  // Records, relationships, consent, audit trails and the feed as they were.
  CheckUnchanged(crm, before);
  CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), survivor));
  CHECK(MessageDifferencer::Equals(crm.Get(other.name()), other));
  CHECK(crm.Listed().count(other.name()) == 1);

  // The merge itself gives what the preview showed.
  request.set_validate_only(false);
  const auto response = crm.Merge(request);
  auto unstamped = [](pv1::Partner partner) {
    partner.clear_update_time();
    return partner;
  };
  CHECK(MessageDifferencer::Equals(unstamped(response.survivor()), unstamped(preview.survivor())));
  CHECK(MessageDifferencer::Equals(unstamped(response.merged_partners(0)),
                                   unstamped(preview.merged_partners(0))));
  CHECK(NamesOf(response.moved_consent_records()) == NamesOf(preview.moved_consent_records()));
  CHECK(crm.Head() > before.head);
}

TEST_CASE("merge: a retry returns the first result, a stale etag is refused",
          "[partners][merge]") {
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

TEST_CASE("merge: every changed record is on the change feed and in the audit trails",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  other = crm.Create(other);
  const pv1::Partner acme = crm.Create(Organization("Acme AG"));
  const pv1::Relationship contact = crm.Relate(Link(kContact, acme, other));
  const pv1::ConsentRecord grant =
      crm.Ok(&Stub::GrantConsent,
             Decision<pv1::GrantConsentRequest>(other.name(), pv1::CONTACT_CHANNEL_EMAIL,
                                                pv1::CONTACT_PURPOSE_SALES, absl::Hours(1)));
  const std::string& s = survivor.name();
  const std::string& o = other.name();
  const int64_t head = crm.Head();
  const size_t survivor_events = crm.Audit(s).size();
  const size_t other_events = crm.Audit(o).size();

  pv1::MergePartnersRequest request = MergeRequest(survivor, {other});
  request.set_request_id("merge-feed");
  const auto response = crm.Merge(request);
  REQUIRE(response.moved_consent_records_size() == 1);
  REQUIRE(response.moved_relationships_size() == 1);
  const pv1::ConsentRecord& moved_grant = response.moved_consent_records(0);

  // One change per record written, each with its state after the merge.
  const std::vector<fv1::Change> changes = crm.ChangesAfter(head);
  std::multiset<std::string> seen;
  for (const fv1::Change& change : changes) {
    INFO("change " << change.sequence() << " of " << change.resource_name());
    seen.insert(absl::StrCat(fv1::ChangeKind_Name(change.kind()), " ", change.resource_name()));
    CHECK(change.method() == "MergePartners");
    pv1::Partner partner;
    pv1::ConsentRecord record;
    pv1::Relationship relationship;
    if (change.resource_name() == s) {
      REQUIRE(change.resource().UnpackTo(&partner));
      CHECK(MessageDifferencer::Equals(partner, response.survivor()));
      CHECK(change.request_id() == "merge-feed");
    } else if (change.resource_name() == o) {
      REQUIRE(change.resource().UnpackTo(&partner));
      CHECK(partner.state() == kMerged);
      CHECK(partner.merged_into() == s);
      CHECK(MessageDifferencer::Equals(partner, response.merged_partners(0)));
      CHECK(change.request_id() == "merge-feed");
    } else if (change.resource_name() == moved_grant.name()) {
      REQUIRE(change.resource().UnpackTo(&record));
      CHECK(MessageDifferencer::Equals(record, moved_grant));
      CHECK(change.request_id() == "merge-feed");
    } else if (change.resource_name() == grant.name()) {
      CHECK_FALSE(change.has_resource());
    } else if (change.resource_name() == contact.name()) {
      REQUIRE(change.resource().UnpackTo(&relationship));
      CHECK(MessageDifferencer::Equals(relationship, response.moved_relationships(0)));
    }
  }
  CHECK(seen == std::multiset<std::string>{
                    "CHANGE_KIND_UPDATED " + s, "CHANGE_KIND_UPDATED " + o,
                    "CHANGE_KIND_DELETED " + grant.name(),
                    "CHANGE_KIND_CREATED " + moved_grant.name(),
                    "CHANGE_KIND_UPDATED " + contact.name()});

  // The survivor's trail: its own change, the consent record and the
  // relationship it gained.
  const std::vector<pv1::AuditEvent> survivor_audit = crm.Audit(s);
  REQUIRE(survivor_audit.size() == survivor_events + 3);
  Names survivor_resources;
  for (size_t i = 0; i < 3; ++i) {
    CHECK(survivor_audit[i].method() == "MergePartners");
    survivor_resources.insert(survivor_audit[i].resource());
  }
  CHECK(survivor_resources == Names{s, moved_grant.name(), contact.name()});

  // The merged partner's trail: its state, and the consent record it lost.
  const std::vector<pv1::AuditEvent> other_audit = crm.Audit(o);
  REQUIRE(other_audit.size() >= other_events + 2);
  std::map<std::string, std::string> state_changes;  // field -> new value
  Names other_resources;
  for (size_t i = 0; i < other_audit.size() - other_events; ++i) {
    const pv1::AuditEvent& event = other_audit[i];
    CHECK(event.method() == "MergePartners");
    other_resources.insert(event.resource());
    if (event.resource() != o) continue;
    CHECK(event.request_id() == "merge-feed");
    for (const auto& change : event.changes()) state_changes[change.field()] = change.new_value();
  }
  CHECK(other_resources.count(o) == 1);
  CHECK(other_resources.count(grant.name()) == 1);
  CHECK(state_changes["state"] == "PARTNER_STATE_MERGED");
  CHECK(state_changes["merged_into"] == absl::StrCat("\"", s, "\""));
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
    grpc::Status status =
        crm.Try(&Stub::MergePartners, MergeRequest(survivor, {first, acme}));
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

TEST_CASE("merge: erasing a survivor also erases the partners merged into it",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner a = Person("Ottiliane", "Zwetschgenkamp");
  AddEmail(&a, "o.zk4711@mailbox.example");
  a = crm.Create(a);
  const pv1::Partner b = crm.Create(Person("Otti", "Zwetschgenkamp"));
  const pv1::Partner c = crm.Create(Person("Ottilie", "Zwetschgenkamp"));
  const pv1::Partner bystander = crm.Create(Person("Bert", "Berg"));
  crm.Merge(MergeRequest(b, {a}));
  crm.Merge(MergeRequest(c, {b}));

  const pv1::Partner erased = crm.Ok(&Stub::ErasePartner, Named<pv1::ErasePartnerRequest>(c.name()));
  CHECK(erased.state() == pv1::PARTNER_STATE_ERASED);

  for (const pv1::Partner& partner : {a, b, c}) {
    INFO("partner " << partner.name());
    const pv1::Partner stored = crm.Stored(partner.name());
    CHECK(stored.state() == pv1::PARTNER_STATE_ERASED);
    CHECK_FALSE(stored.has_person());
    CHECK(stored.email_addresses().empty());
    pv1::Partner ignored;
    const grpc::Status get =
        crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(partner.name()), &ignored);
    CHECK(Outcome(get) == "NOT_FOUND");
    CHECK(ErrorReason(get) == "PARTNER_ERASED");
  }
  CHECK(crm.Found("Zwetschgenkamp").empty());
  CHECK(crm.Listed() == Names{bystander.name()});
  CHECK(crm.Get(bystander.name()).etag() == bystander.etag());
}

TEST_CASE("merge: a merged partner can be erased on its own", "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  other = crm.Create(other);
  const pv1::Partner merged = crm.Merge(MergeRequest(survivor, {other})).survivor();

  const pv1::Partner erased =
      crm.Ok(&Stub::ErasePartner, Named<pv1::ErasePartnerRequest>(other.name()));
  CHECK(erased.name() == other.name());
  CHECK(erased.state() == pv1::PARTNER_STATE_ERASED);
  CHECK_FALSE(erased.has_person());
  CHECK(MessageDifferencer::Equals(crm.Stored(other.name()), erased));

  // Its name no longer resolves to the survivor, which stays as it was.
  pv1::Partner ignored;
  const grpc::Status get =
      crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(other.name()), &ignored);
  CHECK(Outcome(get) == "NOT_FOUND");
  CHECK(ErrorReason(get) == "PARTNER_ERASED");
  CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));

  // Erasing the survivor later leaves the erased partner as it is.
  crm.Ok(&Stub::ErasePartner, Named<pv1::ErasePartnerRequest>(survivor.name()));
  CHECK(crm.Stored(survivor.name()).state() == pv1::PARTNER_STATE_ERASED);
  CHECK(MessageDifferencer::Equals(crm.Stored(other.name()), erased));
}

TEST_CASE("merge: a merged partner cannot be deleted, deleting the survivor deletes it too",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner first = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner bystander = crm.Create(Person("Bert", "Berg"));
  crm.Merge(MergeRequest(survivor, {first}));

  const grpc::Status refused =
      crm.Try(&Stub::DeletePartner, Named<pv1::DeletePartnerRequest>(first.name()));
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(crm.Stored(first.name()).state() == pv1::PARTNER_STATE_MERGED);

  crm.Ok(&Stub::DeletePartner, Named<pv1::DeletePartnerRequest>(survivor.name()));
  for (const pv1::Partner& gone : {survivor, first}) {
    pv1::Partner ignored;
    INFO(gone.name());
    CHECK(Outcome(crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(gone.name()),
                           &ignored)) == "NOT_FOUND");
  }
  CHECK(crm.Get(bystander.name()).name() == bystander.name());
}
