// The data subject's rights over a real gRPC channel and a real SQLite file.
// ExportPartnerData returns the record with its relationships (either side),
// consent history and audit trail. ErasePartner anonymises a person or group
// (state ERASED, roles kept), deletes its relationships, keeps its consent
// history, refuses further writes and hides it from reads, lists and search.
// No personal value stays in earlier feed entries, stored responses or the
// side tables, so a retried create cannot bring it back. Erasing again
// changes nothing; stale etags, unknown names and organisations are refused.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
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
using crm::testing::ErrorReason;
using google::protobuf::util::MessageDifferencer;
using grpc::StatusCode;
using Names = std::set<std::string>;
using Strings = std::vector<std::string>;
using Stub = pv1::PartnerService::Stub;

// A unary method of the partner service, e.g. &Stub::ErasePartner.
template <typename Request, typename Response>
using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// Personal values of the person to erase, each found nowhere else.
constexpr char kGivenName[] = "Ottiliane";
constexpr char kFamilyName[] = "Zwetschgenkamp";
constexpr char kEmail[] = "o.zk4711@mailbox.example";
constexpr char kPhone[] = "+4930987654321";
constexpr char kStreet[] = "Holunderstieg 42";
constexpr char kCity[] = "Wolfsschlucht";
constexpr char kNickname[] = "Quarkspatz";
const std::string& kIban = crm::testing::kValidIbans[0];
const Strings kPersonalValues = {kGivenName, kFamilyName, kEmail,    kPhone,
                                 kStreet,    kCity,       kNickname, kIban};

// Where the service keeps partner data outside the audit trail.
const Strings kDataTables = {"changes",        "request_ids",           "partners",
                             "partner_search", "partner_custom_values", "partner_addresses",
                             "partner_ibans"};

std::string StatusText(const grpc::Status& status) {
  if (status.ok()) return "OK";
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ", status.error_message());
}

std::string FirstViolation(const grpc::Status& status) {
  const auto violations = crm::FieldViolationsOf(crm::FromGrpcStatus(status));
  return violations.empty() ? "" : violations[0].field;
}

// A change of the partner itself or of one of its sub-resources.
bool IsOf(const fv1::Change& change, const std::string& partner) {
  return change.resource_name() == partner ||
         absl::StartsWith(change.resource_name(), partner + "/");
}

// "table: value" for each row of `tables` holding one of `values`, ignoring
// case (the search index keeps folded text).
Strings Traces(const std::string& db_path, const Strings& tables, const Strings& values) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  Strings traces;
  for (const std::string& table : tables) {
    SQLite::Statement select(db, absl::StrCat("SELECT * FROM ", table));
    while (select.executeStep()) {
      std::string row;
      for (int i = 0; i < select.getColumnCount(); ++i) {
        absl::StrAppend(&row, absl::AsciiStrToLower(select.getColumn(i).getString()), "\n");
      }
      for (const std::string& value : values) {
        if (absl::StrContains(row, absl::AsciiStrToLower(value))) {
          traces.push_back(absl::StrCat(table, ": ", value));
        }
      }
    }
  }
  return traces;
}

// Requests as a user sends them.
template <typename Request>
Request Named(const std::string& name) {
  Request request;
  request.set_name(name);
  return request;
}

pv1::ErasePartnerRequest EraseRequest(const std::string& name, const std::string& etag = "") {
  pv1::ErasePartnerRequest request = Named<pv1::ErasePartnerRequest>(name);
  request.set_etag(etag);
  return request;
}

pv1::CreatePartnerRequest CreateRequest(const pv1::Partner& partner,
                                        const std::string& request_id = "") {
  pv1::CreatePartnerRequest request;
  *request.mutable_partner() = partner;
  request.set_request_id(request_id);
  return request;
}

pv1::CreateRelationshipRequest Relate(pv1::RelationshipType type, const std::string& partner,
                                      const std::string& related) {
  pv1::CreateRelationshipRequest request;
  pv1::Relationship* relationship = request.mutable_relationship();
  relationship->set_type(type);
  relationship->set_partner(partner);
  relationship->set_related_partner(related);
  return request;
}

template <typename Request>
Request ConsentRequest(const std::string& parent, pv1::ContactChannel channel,
                       pv1::ContactPurpose purpose) {
  Request request;
  request.set_parent(parent);
  request.mutable_consent_record()->set_channel(channel);
  request.mutable_consent_record()->set_purpose(purpose);
  request.mutable_consent_record()->set_source("web form /newsletter");
  request.mutable_consent_record()->set_text_version("newsletter-2026-01");
  return request;
}

pv1::CheckContactPermissionRequest CheckRequest(const std::string& partner,
                                                pv1::ContactChannel channel) {
  pv1::CheckContactPermissionRequest request;
  request.set_partner(partner);
  request.set_channel(channel);
  request.set_purpose(pv1::CONTACT_PURPOSE_SALES);
  return request;
}

// A person with every kind of personal data this service holds.
pv1::Partner RichPerson() {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_PERSON);
  partner.mutable_person()->set_given_name(kGivenName);
  partner.mutable_person()->set_family_name(kFamilyName);
  *partner.mutable_person()->mutable_birth_date() = crm::testing::MakeDate(1980, 5, 17);
  for (const auto type : {pv1::ADDRESS_TYPE_PRIVATE, pv1::ADDRESS_TYPE_BILLING}) {
    pv1::Address* address = partner.add_addresses();
    address->set_type(type);
    address->add_street_lines(type == pv1::ADDRESS_TYPE_PRIVATE ? kStreet : "Postfach 1234");
    address->set_city(kCity);
    address->set_country_code("DE");
  }
  partner.add_email_addresses()->set_address(kEmail);
  partner.add_email_addresses()->set_address("zk4711.office@work.example");
  partner.add_phone_numbers()->set_number(kPhone);
  partner.add_phone_numbers()->set_number("+491761234567");
  partner.add_bank_accounts()->set_iban(kIban);
  partner.add_roles()->set_type(pv1::ROLE_TYPE_PROSPECT);
  (*partner.mutable_custom_fields())["nickname"].set_string_value(kNickname);
  return partner;
}

// A partner with a name and, if given, an e-mail address.
pv1::Partner Simple(pv1::PartnerCategory category, const std::string& name,
                    const std::string& email = "") {
  pv1::Partner partner;
  partner.set_category(category);
  if (category == pv1::PARTNER_CATEGORY_PERSON) partner.mutable_person()->set_family_name(name);
  if (category == pv1::PARTNER_CATEGORY_ORGANIZATION) {
    partner.mutable_organization()->set_legal_name(name);
  }
  if (category == pv1::PARTNER_CATEGORY_GROUP) {
    partner.mutable_group()->set_group_name(name);
    partner.mutable_group()->set_group_type(pv1::GROUP_TYPE_CLUB);
  }
  if (!email.empty()) partner.add_email_addresses()->set_address(email);
  return partner;
}

// What may stay of `partner` after an erasure: its name, category, roles and
// creation time, in state ERASED, with the etag and time `erased` got.
pv1::Partner Anonymised(const pv1::Partner& partner, const pv1::Partner& erased) {
  pv1::Partner kept;
  kept.set_name(partner.name());
  kept.set_category(partner.category());
  kept.set_display_name("Erased partner");
  kept.set_state(pv1::PARTNER_STATE_ERASED);
  *kept.mutable_roles() = partner.roles();
  *kept.mutable_create_time() = partner.create_time();
  *kept.mutable_update_time() = erased.update_time();
  kept.set_etag(erased.etag());
  return kept;
}

// The change of `field` in the newest audit event of `method`, if any.
const crm::type::v1::FieldChange* FindChange(const std::vector<pv1::AuditEvent>& events,
                                             const std::string& method, const std::string& field) {
  for (const auto& event : events) {
    if (event.method() != method) continue;
    for (const auto& change : event.changes()) {
      if (change.field() == field) return &change;
    }
  }
  return nullptr;
}

// What Crm::Seed() writes: a rich person related to an organisation from
// either side, with three consent decisions and eight audited writes.
struct Seeded {
  pv1::Partner person;
  pv1::Partner organization;
  Names relationships;
};

// A partners service in this process with its change feed.
class Crm {
 public:
  Crm()
      : service_(crm::partners::PartnersSpec()),
        stub_(pv1::PartnerService::NewStub(service_.channel())),
        feed_(fv1::ChangeFeedService::NewStub(service_.channel())) {}

  const std::string& db_path() const { return service_.db_path(); }

  template <typename Request, typename Response>
  grpc::Status Call(Rpc<Request, Response> method, const Request& request, Response* response) {
    return ((*stub_).*method)(ContextWithDeadline().get(), request, response);
  }

  // Only the code, e.g. Code(&Stub::GetPartner, request).
  template <typename Request, typename Response>
  StatusCode Code(Rpc<Request, Response> method, const Request& request) {
    Response ignored;
    return Call(method, request, &ignored).error_code();
  }

  // A call that must succeed; its response.
  template <typename Request, typename Response>
  Response Ok(Rpc<Request, Response> method, const Request& request) {
    Response response;
    REQUIRE(StatusText(Call(method, request, &response)) == "OK");
    return response;
  }

  pv1::Partner Create(const pv1::Partner& partner, const std::string& request_id = "") {
    return Ok(&Stub::CreatePartner, CreateRequest(partner, request_id));
  }

  pv1::PartnerDataExport Export(const std::string& name) {
    return Ok(&Stub::ExportPartnerData, Named<pv1::ExportPartnerDataRequest>(name));
  }

  // The whole feed, oldest first.
  std::vector<fv1::Change> Changes() {
    std::vector<fv1::Change> changes;
    fv1::ListChangesRequest request;
    request.set_page_size(1000);
    for (int pages = 0; pages < 100; ++pages) {
      fv1::ListChangesResponse response;
      REQUIRE(feed_->ListChanges(ContextWithDeadline().get(), request, &response).ok());
      if (response.changes().empty()) break;
      changes.insert(changes.end(), response.changes().begin(), response.changes().end());
      request.set_after_sequence(response.last_sequence());
    }
    return changes;
  }

  // The partner's audit trail, newest first.
  std::vector<pv1::AuditEvent> Audit(const std::string& partner) {
    std::vector<pv1::AuditEvent> events;
    pv1::ListAuditEventsRequest request;
    request.set_parent(partner);
    for (int pages = 0; pages < 100; ++pages) {
      const auto response = Ok(&Stub::ListAuditEvents, request);
      events.insert(events.end(), response.audit_events().begin(), response.audit_events().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return events;
  }

  Names Listed() {
    pv1::ListPartnersRequest request;
    request.set_page_size(1000);
    const auto response = Ok(&Stub::ListPartners, request);
    Names names;
    for (const auto& partner : response.partners()) names.insert(partner.name());
    return names;
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

  Seeded Seed() {
    pv1::CreateCustomFieldDefinitionRequest define;
    define.set_custom_field_definition_id("nickname");
    define.mutable_custom_field_definition()->set_display_name("Nickname");
    define.mutable_custom_field_definition()->set_type(pv1::CUSTOM_FIELD_TYPE_STRING);
    define.mutable_custom_field_definition()->add_categories(pv1::PARTNER_CATEGORY_PERSON);
    Ok(&Stub::CreateCustomFieldDefinition, define);

    Seeded seeded;
    seeded.person = Create(RichPerson(), "create-erase-me");
    seeded.organization =
        Create(Simple(pv1::PARTNER_CATEGORY_ORGANIZATION, "Erasure Holding GmbH"));
    const std::string person = seeded.person.name();
    const std::string organization = seeded.organization.name();
    pv1::UpdatePartnerRequest update;
    update.mutable_partner()->set_name(person);
    update.mutable_partner()->mutable_person()->set_marital_status(pv1::MARITAL_STATUS_MARRIED);
    update.mutable_update_mask()->add_paths("person.marital_status");
    Ok(&Stub::UpdatePartner, update);
    pv1::AddPartnerRoleRequest add = Named<pv1::AddPartnerRoleRequest>(person);
    add.mutable_role()->set_type(pv1::ROLE_TYPE_CUSTOMER);
    add.mutable_role()->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_B);
    seeded.person = Ok(&Stub::AddPartnerRole, add);

    auto contact = Relate(pv1::RELATIONSHIP_TYPE_HAS_CONTACT_PERSON, organization, person);
    contact.set_request_id("relate-1");
    seeded.relationships.insert(Ok(&Stub::CreateRelationship, contact).name());
    seeded.relationships.insert(
        Ok(&Stub::CreateRelationship,
           Relate(pv1::RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF, person, organization))
            .name());

    auto email = ConsentRequest<pv1::GrantConsentRequest>(person, pv1::CONTACT_CHANNEL_EMAIL,
                                                          pv1::CONTACT_PURPOSE_SALES);
    email.set_request_id("consent-1");
    Ok(&Stub::GrantConsent, email);
    Ok(&Stub::WithdrawConsent, ConsentRequest<pv1::WithdrawConsentRequest>(
                                   person, pv1::CONTACT_CHANNEL_EMAIL, pv1::CONTACT_PURPOSE_SALES));
    Ok(&Stub::GrantConsent, ConsentRequest<pv1::GrantConsentRequest>(
                                person, pv1::CONTACT_CHANNEL_PHONE, pv1::CONTACT_PURPOSE_SALES));
    return seeded;
  }

 private:
  crm::testing::InProcessService service_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed_;
};

}  // namespace

TEST_CASE("erasure: export holds the record, relationships, consent and audit trail", "[erasure]") {
  Crm crm;
  const Seeded seeded = crm.Seed();
  const std::string& name = seeded.person.name();

  const pv1::PartnerDataExport data = crm.Export(name);
  CHECK(MessageDifferencer::Equals(data.partner(), seeded.person));
  const pv1::Partner& partner = data.partner();
  CHECK(partner.state() == pv1::PARTNER_STATE_ACTIVE);
  CHECK(partner.person().family_name() == kFamilyName);
  CHECK(partner.addresses_size() == 2);
  CHECK(partner.email_addresses_size() == 2);
  CHECK(partner.phone_numbers_size() == 2);
  REQUIRE(partner.bank_accounts_size() == 1);
  CHECK(partner.bank_accounts(0).iban() == kIban);
  CHECK(partner.custom_fields().at("nickname").string_value() == kNickname);
  CHECK(partner.roles_size() == 2);

  Names relationships;  // both, one from each side
  for (const auto& r : data.relationships()) {
    relationships.insert(r.name());
    CHECK((r.partner() == name) != (r.related_partner() == name));
  }
  CHECK(relationships == seeded.relationships);

  pv1::ListConsentRecordsRequest list;
  list.set_parent(name);
  const auto consent = crm.Ok(&Stub::ListConsentRecords, list);
  REQUIRE(data.consent_records_size() == 3);
  REQUIRE(consent.consent_records_size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(MessageDifferencer::Equals(data.consent_records(i), consent.consent_records(i)));
  }

  const std::vector<pv1::AuditEvent> audit = crm.Audit(name);
  REQUIRE(data.audit_events_size() == static_cast<int>(audit.size()));
  std::multiset<std::string> methods;
  for (size_t i = 0; i < audit.size(); ++i) {
    CHECK(MessageDifferencer::Equals(data.audit_events(static_cast<int>(i)), audit[i]));
    methods.insert(audit[i].method());
  }
  CHECK(methods == std::multiset<std::string>{"CreatePartner", "UpdatePartner", "AddPartnerRole",
                                              "CreateRelationship", "CreateRelationship",
                                              "GrantConsent", "WithdrawConsent", "GrantConsent"});
  CHECK(std::abs(data.export_time().seconds() - absl::ToUnixSeconds(absl::Now())) < 60);
  CHECK_FALSE(data.truncated());

  CHECK(crm.Code(&Stub::ExportPartnerData,
                 Named<pv1::ExportPartnerDataRequest>("partners/does-not-exist")) ==
        StatusCode::NOT_FOUND);
  for (const std::string& bad : Strings{"", "partners/", "customers/x", name + "/x"}) {
    INFO("name: " << bad);
    pv1::PartnerDataExport ignored;
    const grpc::Status status =
        crm.Call(&Stub::ExportPartnerData, Named<pv1::ExportPartnerDataRequest>(bad), &ignored);
    CHECK(status.error_code() == StatusCode::INVALID_ARGUMENT);
    CHECK(FirstViolation(status) == "name");
  }
}

TEST_CASE("erasure: an erased person is anonymised, hidden and takes no more writes", "[erasure]") {
  Crm crm;
  const Seeded seeded = crm.Seed();
  const std::string& name = seeded.person.name();
  const std::string& organization = seeded.organization.name();
  REQUIRE(crm.Found(kFamilyName) == Names{name});
  REQUIRE(crm.Ok(&Stub::CheckContactPermission, CheckRequest(name, pv1::CONTACT_CHANNEL_PHONE))
              .allowed());

  const pv1::Partner erased = crm.Ok(&Stub::ErasePartner, EraseRequest(name, seeded.person.etag()));
  CHECK(MessageDifferencer::Equals(erased, Anonymised(seeded.person, erased)));
  CHECK(erased.roles_size() == 2);
  CHECK_FALSE(erased.etag().empty());
  CHECK(erased.etag() != seeded.person.etag());

  // Hidden from reads, lists and search.
  pv1::Partner got;
  const grpc::Status get = crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(name), &got);
  CHECK(get.error_code() == StatusCode::NOT_FOUND);
  CHECK(ErrorReason(get) == "PARTNER_ERASED");
  CHECK(crm.Listed() == Names{organization});
  CHECK(crm.Found(kFamilyName).empty());
  CHECK(crm.Found(kEmail).empty());

  // Its relationships are gone, each with a DELETED change.
  for (const std::string& relationship : seeded.relationships) {
    CHECK(crm.Code(&Stub::GetRelationship, Named<pv1::GetRelationshipRequest>(relationship)) ==
          StatusCode::NOT_FOUND);
  }
  Names deleted;
  for (const fv1::Change& change : crm.Changes()) {
    if (change.kind() == fv1::CHANGE_KIND_DELETED) deleted.insert(change.resource_name());
  }
  CHECK(deleted == seeded.relationships);

  // Its consent history is kept; contact is not allowed any more.
  pv1::PartnerDataExport data = crm.Export(name);
  CHECK(MessageDifferencer::Equals(data.partner(), erased));
  CHECK(data.relationships().empty());
  CHECK(data.consent_records_size() == 3);
  for (const auto channel : {pv1::CONTACT_CHANNEL_PHONE, pv1::CONTACT_CHANNEL_EMAIL}) {
    const auto decision = crm.Ok(&Stub::CheckContactPermission, CheckRequest(name, channel));
    CHECK_FALSE(decision.allowed());
    CHECK(decision.reason() == pv1::CONTACT_DECISION_REASON_PARTNER_INACTIVE);
  }

  // Writes are refused and change nothing.
  pv1::UpdatePartnerRequest update;
  update.mutable_partner()->set_name(name);
  update.mutable_partner()->mutable_person()->set_family_name("Neumann");
  update.mutable_update_mask()->add_paths("person.family_name");
  CHECK(crm.Code(&Stub::UpdatePartner, update) == StatusCode::FAILED_PRECONDITION);
  pv1::AddPartnerRoleRequest add = Named<pv1::AddPartnerRoleRequest>(name);
  add.mutable_role()->set_type(pv1::ROLE_TYPE_VENDOR);
  CHECK(crm.Code(&Stub::AddPartnerRole, add) == StatusCode::FAILED_PRECONDITION);
  CHECK(crm.Code(&Stub::GrantConsent,
                 ConsentRequest<pv1::GrantConsentRequest>(name, pv1::CONTACT_CHANNEL_EMAIL,
                                                          pv1::CONTACT_PURPOSE_SERVICE)) ==
        StatusCode::FAILED_PRECONDITION);
  CHECK(crm.Code(&Stub::CreateRelationship,
                 Relate(pv1::RELATIONSHIP_TYPE_HAS_CONTACT_PERSON, organization, name)) ==
        StatusCode::FAILED_PRECONDITION);
  CHECK(crm.Code(&Stub::CreateRelationship,
                 Relate(pv1::RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF, name, organization)) ==
        StatusCode::FAILED_PRECONDITION);
  data = crm.Export(name);
  CHECK(data.partner().etag() == erased.etag());
  CHECK(data.consent_records_size() == 3);
  CHECK(data.relationships().empty());

  // Deleting it for good still works.
  crm.Ok(&Stub::DeletePartner, Named<pv1::DeletePartnerRequest>(name));
  const grpc::Status gone = crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(name), &got);
  CHECK(gone.error_code() == StatusCode::NOT_FOUND);
  CHECK(ErrorReason(gone).empty());
  CHECK(crm.Code(&Stub::ExportPartnerData, Named<pv1::ExportPartnerDataRequest>(name)) ==
        StatusCode::NOT_FOUND);
}

TEST_CASE("erasure: no personal value stays in the feed, stored responses or tables", "[erasure]") {
  Crm crm;
  const Seeded seeded = crm.Seed();
  const std::string& name = seeded.person.name();
  // The scan finds the values before, so finding none after means something.
  const Strings before = Traces(crm.db_path(), kDataTables, kPersonalValues);
  for (const std::string table : {"changes", "request_ids", "partners", "partner_search"}) {
    CHECK(std::count(before.begin(), before.end(), absl::StrCat(table, ": ", kFamilyName)) > 0);
  }
  const std::vector<fv1::Change> earlier = crm.Changes();
  const std::vector<pv1::AuditEvent> audit_before = crm.Audit(name);

  const pv1::Partner erased = crm.Ok(&Stub::ErasePartner, EraseRequest(name));

  // Earlier changes of the partner and its consent records lose their
  // payload; those of other resources keep theirs.
  const std::vector<fv1::Change> changes = crm.Changes();
  REQUIRE(changes.size() > earlier.size());
  int redacted = 0;
  for (size_t i = 0; i < earlier.size(); ++i) {
    const fv1::Change& change = changes[i];
    INFO("change " << change.sequence() << " of " << change.resource_name());
    CHECK(change.kind() == earlier[i].kind());
    if (IsOf(change, name)) {
      ++redacted;
      CHECK(change.resource().value().empty());
    } else {
      CHECK(MessageDifferencer::Equals(change.resource(), earlier[i].resource()));
    }
  }
  CHECK(redacted == 6);  // create, update, role, three consent decisions

  // The last change tells followers to erase their copies.
  const fv1::Change& last = changes.back();
  CHECK(last.resource_name() == name);
  CHECK(last.kind() == fv1::CHANGE_KIND_UPDATED);
  CHECK(last.method() == "ErasePartner");
  pv1::Partner published;
  REQUIRE(last.resource().UnpackTo(&published));
  CHECK(MessageDifferencer::Equals(published, erased));

  // Nothing personal in the tables, stored responses included, nor in clear
  // in the audit trail (custom values are hashed there like names).
  CHECK(Traces(crm.db_path(), kDataTables, kPersonalValues) == Strings{});
  CHECK(Traces(crm.db_path(), {"partner_audit_events"}, kPersonalValues) == Strings{});

  // The audit trail keeps every event and records the erasure.
  const std::vector<pv1::AuditEvent> audit = crm.Audit(name);
  Names names;
  for (const auto& event : audit) names.insert(event.name());
  for (const auto& event : audit_before) CHECK(names.count(event.name()) == 1);
  const auto* created_name = FindChange(audit, "CreatePartner", "person.family_name");
  const auto* erased_name = FindChange(audit, "ErasePartner", "person.family_name");
  REQUIRE(created_name != nullptr);
  REQUIRE(erased_name != nullptr);
  CHECK(absl::StartsWith(created_name->new_value(), "hmac-sha256:"));
  CHECK(erased_name->hashed());
  CHECK(erased_name->old_value() == created_name->new_value());
  CHECK(erased_name->new_value().empty());
}

TEST_CASE("erasure: earlier feed entries of an erased partner carry no payload", "[erasure]") {
  Crm crm;
  const pv1::Partner person = crm.Create(Simple(pv1::PARTNER_CATEGORY_PERSON, kFamilyName, kEmail));
  crm.Ok(&Stub::GrantConsent,
         ConsentRequest<pv1::GrantConsentRequest>(person.name(), pv1::CONTACT_CHANNEL_EMAIL,
                                                  pv1::CONTACT_PURPOSE_SALES));
  crm.Ok(&Stub::ErasePartner, EraseRequest(person.name()));
  const std::vector<fv1::Change> changes = crm.Changes();
  REQUIRE(changes.size() == 3);
  for (size_t i = 0; i + 1 < changes.size(); ++i) {
    INFO("change " << changes[i].sequence() << " of " << changes[i].resource_name());
    CHECK_FALSE(changes[i].has_resource());  // a follower must not read an empty record
  }
  CHECK(changes.back().has_resource());
}

TEST_CASE("erasure: a create retried after the erasure does not bring the erased record back",
          "[erasure]") {
  Crm crm;
  pv1::Partner partner = RichPerson();
  partner.clear_custom_fields();
  const pv1::CreatePartnerRequest request = CreateRequest(partner, "signup-7");
  const pv1::Partner first = crm.Ok(&Stub::CreatePartner, request);
  REQUIRE(MessageDifferencer::Equals(crm.Ok(&Stub::CreatePartner, request), first));  // a retry

  const pv1::Partner erased = crm.Ok(&Stub::ErasePartner, EraseRequest(first.name()));
  CHECK(Traces(crm.db_path(), kDataTables, kPersonalValues) == Strings{});

  // The stored answer is gone: the retry creates a new partner from the
  // request, and nothing of the erased record comes back.
  const pv1::Partner retried = crm.Ok(&Stub::CreatePartner, request);
  CHECK(retried.name() != first.name());
  CHECK(retried.etag() != erased.etag());
  CHECK(retried.state() == pv1::PARTNER_STATE_ACTIVE);
  CHECK(retried.person().family_name() == kFamilyName);  // from the request itself
  CHECK(std::make_pair(retried.create_time().seconds(), retried.create_time().nanos()) >
        std::make_pair(first.create_time().seconds(), first.create_time().nanos()));
  CHECK(MessageDifferencer::Equals(crm.Export(first.name()).partner(), erased));
  CHECK(crm.Listed() == Names{retried.name()});

  // From now on the request id answers with the new partner.
  CHECK(MessageDifferencer::Equals(crm.Ok(&Stub::CreatePartner, request), retried));
  int created = 0;
  for (const fv1::Change& change : crm.Changes()) {
    if (change.kind() == fv1::CHANGE_KIND_CREATED && change.request_id() == "signup-7") ++created;
  }
  CHECK(created == 2);
}

TEST_CASE("erasure: erasing again changes nothing", "[erasure]") {
  Crm crm;
  const pv1::Partner person = crm.Create(Simple(pv1::PARTNER_CATEGORY_PERSON, kFamilyName, kEmail));
  const pv1::Partner erased = crm.Ok(&Stub::ErasePartner, EraseRequest(person.name()));
  const int64_t head = crm.Changes().back().sequence();
  const size_t events = crm.Audit(person.name()).size();

  for (const std::string& etag : Strings{"", erased.etag()}) {
    INFO("etag: " << etag);
    const pv1::Partner again = crm.Ok(&Stub::ErasePartner, EraseRequest(person.name(), etag));
    CHECK(MessageDifferencer::Equals(again, erased));
  }
  CHECK(crm.Changes().back().sequence() == head);
  CHECK(crm.Audit(person.name()).size() == events);
}

TEST_CASE("erasure: stale etags, unknown names and organisations are refused", "[erasure]") {
  Crm crm;
  const pv1::Partner person = crm.Create(Simple(pv1::PARTNER_CATEGORY_PERSON, kFamilyName, kEmail));
  pv1::UpdatePartnerRequest update;
  update.mutable_partner()->set_name(person.name());
  update.mutable_partner()->mutable_person()->set_given_name("Otti");
  update.mutable_update_mask()->add_paths("person.given_name");
  const pv1::Partner updated = crm.Ok(&Stub::UpdatePartner, update);

  CHECK(crm.Code(&Stub::ErasePartner, EraseRequest(person.name(), person.etag())) ==
        StatusCode::ABORTED);
  const auto get = Named<pv1::GetPartnerRequest>(person.name());
  CHECK(MessageDifferencer::Equals(crm.Ok(&Stub::GetPartner, get), updated));

  CHECK(crm.Code(&Stub::ErasePartner, EraseRequest("partners/does-not-exist")) ==
        StatusCode::NOT_FOUND);
  for (const std::string& bad : Strings{"", "partners/", "relationships/x"}) {
    INFO("name: " << bad);
    pv1::Partner ignored;
    const grpc::Status status = crm.Call(&Stub::ErasePartner, EraseRequest(bad), &ignored);
    CHECK(status.error_code() == StatusCode::INVALID_ARGUMENT);
    CHECK(FirstViolation(status) == "name");
  }

  const pv1::Partner organization =
      crm.Create(Simple(pv1::PARTNER_CATEGORY_ORGANIZATION, "Alvis AG"));
  CHECK(crm.Code(&Stub::ErasePartner, EraseRequest(organization.name())) ==
        StatusCode::FAILED_PRECONDITION);
  CHECK(MessageDifferencer::Equals(
      crm.Ok(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(organization.name())), organization));

  // The current etag is accepted.
  CHECK(crm.Ok(&Stub::ErasePartner, EraseRequest(person.name(), updated.etag())).state() ==
        pv1::PARTNER_STATE_ERASED);
}

TEST_CASE("erasure: a group can be erased", "[erasure]") {
  Crm crm;
  const pv1::Partner group = crm.Create(
      Simple(pv1::PARTNER_CATEGORY_GROUP, absl::StrCat("Kegelclub ", kFamilyName), kEmail));
  const pv1::Partner member = crm.Create(Simple(pv1::PARTNER_CATEGORY_PERSON, "Mitglied"));
  const pv1::Relationship membership =
      crm.Ok(&Stub::CreateRelationship,
             Relate(pv1::RELATIONSHIP_TYPE_IS_MEMBER_OF_GROUP, member.name(), group.name()));
  REQUIRE(crm.Found("Kegelclub") == Names{group.name()});

  const pv1::Partner erased = crm.Ok(&Stub::ErasePartner, EraseRequest(group.name()));
  CHECK(MessageDifferencer::Equals(erased, Anonymised(group, erased)));
  CHECK(erased.etag() != group.etag());

  pv1::Partner got;
  const grpc::Status get =
      crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(group.name()), &got);
  CHECK(get.error_code() == StatusCode::NOT_FOUND);
  CHECK(ErrorReason(get) == "PARTNER_ERASED");
  CHECK(crm.Found("Kegelclub").empty());
  CHECK(crm.Code(&Stub::GetRelationship, Named<pv1::GetRelationshipRequest>(membership.name())) ==
        StatusCode::NOT_FOUND);
  const auto member_now = crm.Ok(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(member.name()));
  CHECK(member_now.etag() == member.etag());  // the member is untouched
  CHECK(Traces(crm.db_path(), kDataTables, {kFamilyName, kEmail}) == Strings{});
}
