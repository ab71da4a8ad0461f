// Custom fields over a real gRPC channel and a real SQLite file: definitions
// of every type are created, read, listed by key and refused with the field
// at fault when bad; partners' values are checked against the definitions
// (type, category, allowed values, required, dates, length) on create and
// update, trimmed, audited and published on the change feed; list filters
// use them by type; and definition changes that would strand existing
// values are refused until the data allows them.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/testing/service_fixture.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "services/partners/partners_spec.h"

namespace {

namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using Values = std::map<std::string, pv1::CustomFieldValue>;
using Names = std::set<std::string>;

constexpr auto kPerson = pv1::PARTNER_CATEGORY_PERSON;
constexpr auto kOrganization = pv1::PARTNER_CATEGORY_ORGANIZATION;
constexpr auto kGroup = pv1::PARTNER_CATEGORY_GROUP;

pv1::CustomFieldValue Text(const std::string& text) {
  pv1::CustomFieldValue value;
  value.set_string_value(text);
  return value;
}
pv1::CustomFieldValue Number(double number) {
  pv1::CustomFieldValue value;
  value.set_number_value(number);
  return value;
}
pv1::CustomFieldValue Day(int year, int month, int day) {
  pv1::CustomFieldValue value;
  value.mutable_date_value()->set_year(year);
  value.mutable_date_value()->set_month(month);
  value.mutable_date_value()->set_day(day);
  return value;
}
pv1::CustomFieldValue Flag(bool flag) {
  pv1::CustomFieldValue value;
  value.set_bool_value(flag);
  return value;
}

pv1::CustomFieldDefinition Definition(pv1::CustomFieldType type,
                                      std::vector<pv1::PartnerCategory> categories,
                                      std::vector<std::string> allowed = {},
                                      bool required = false) {
  pv1::CustomFieldDefinition definition;
  definition.set_display_name("Field");
  definition.set_description("A field for tests");
  definition.set_type(type);
  for (auto category : categories) definition.add_categories(category);
  for (auto& value : allowed) definition.add_allowed_values(value);
  definition.set_required(required);
  return definition;
}

pv1::Partner NewPartner(pv1::PartnerCategory category, const std::string& name,
                        const Values& values = {}) {
  pv1::Partner partner;
  partner.set_category(category);
  if (category == kPerson) partner.mutable_person()->set_family_name(name);
  if (category == kOrganization) partner.mutable_organization()->set_legal_name(name);
  if (category == kGroup) {
    partner.mutable_group()->set_group_name(name);
    partner.mutable_group()->set_group_type(pv1::GROUP_TYPE_CLUB);
  }
  partner.mutable_custom_fields()->insert(values.begin(), values.end());
  return partner;
}

// Values as text by key, for comparisons that show what differs.
std::map<std::string, std::string> Shown(const Values& values) {
  std::map<std::string, std::string> shown;
  for (const auto& [key, value] : values) shown[key] = value.ShortDebugString();
  return shown;
}
std::map<std::string, std::string> ValuesOf(const pv1::Partner& partner) {
  return Shown(Values(partner.custom_fields().begin(), partner.custom_fields().end()));
}

// The field paths of a failed call's BadRequest.
std::vector<std::string> FieldsOf(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& violation : crm::FieldViolationsOf(crm::FromGrpcStatus(status))) {
    fields.push_back(violation.field);
  }
  return fields;
}

// Requires an OK status, showing the error if not.
void RequireOk(const grpc::Status& status) {
  INFO(status.error_message());
  REQUIRE(status.ok());
}

// The service with both stubs and the calls the tests repeat.
class Crm {
 public:
  Crm()
      : service_(crm::partners::PartnersSpec()),
        stub_(pv1::PartnerService::NewStub(service_.channel())),
        feed_(fv1::ChangeFeedService::NewStub(service_.channel())) {}

  pv1::PartnerService::Stub& stub() { return *stub_; }

  grpc::Status TryDefine(const std::string& key, const pv1::CustomFieldDefinition& definition,
                         pv1::CustomFieldDefinition* out = nullptr) {
    pv1::CreateCustomFieldDefinitionRequest request;
    request.set_custom_field_definition_id(key);
    *request.mutable_custom_field_definition() = definition;
    pv1::CustomFieldDefinition ignored;
    return stub_->CreateCustomFieldDefinition(ContextWithDeadline().get(), request,
                                              out ? out : &ignored);
  }
  pv1::CustomFieldDefinition Define(const std::string& key,
                                    const pv1::CustomFieldDefinition& definition) {
    pv1::CustomFieldDefinition created;
    RequireOk(TryDefine(key, definition, &created));
    return created;
  }

  grpc::Status TryGetDefinition(const std::string& name, pv1::CustomFieldDefinition* out) {
    pv1::GetCustomFieldDefinitionRequest request;
    request.set_name(name);
    return stub_->GetCustomFieldDefinition(ContextWithDeadline().get(), request, out);
  }
  pv1::CustomFieldDefinition GetDefinition(const std::string& name) {
    pv1::CustomFieldDefinition definition;
    RequireOk(TryGetDefinition(name, &definition));
    return definition;
  }

  grpc::Status TryUpdateDefinition(const pv1::CustomFieldDefinition& definition,
                                   const std::vector<std::string>& paths,
                                   pv1::CustomFieldDefinition* out = nullptr) {
    pv1::UpdateCustomFieldDefinitionRequest request;
    *request.mutable_custom_field_definition() = definition;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    pv1::CustomFieldDefinition ignored;
    return stub_->UpdateCustomFieldDefinition(ContextWithDeadline().get(), request,
                                              out ? out : &ignored);
  }

  grpc::Status TryDeleteDefinition(const std::string& name, const std::string& etag = "") {
    pv1::DeleteCustomFieldDefinitionRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return stub_->DeleteCustomFieldDefinition(ContextWithDeadline().get(), request, &empty);
  }

  grpc::Status TryCreate(const pv1::Partner& partner, pv1::Partner* out = nullptr) {
    pv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    pv1::Partner ignored;
    return stub_->CreatePartner(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  pv1::Partner Create(const pv1::Partner& partner) {
    pv1::Partner created;
    RequireOk(TryCreate(partner, &created));
    return created;
  }

  pv1::Partner Get(const std::string& name) {
    pv1::GetPartnerRequest request;
    request.set_name(name);
    pv1::Partner partner;
    RequireOk(stub_->GetPartner(ContextWithDeadline().get(), request, &partner));
    return partner;
  }

  // Replaces all custom values of a partner (update mask "custom_fields").
  grpc::Status TrySetValues(const std::string& name, const Values& values,
                            pv1::Partner* out = nullptr) {
    pv1::UpdatePartnerRequest request;
    request.mutable_partner()->set_name(name);
    request.mutable_partner()->mutable_custom_fields()->insert(values.begin(), values.end());
    request.mutable_update_mask()->add_paths("custom_fields");
    pv1::Partner ignored;
    return stub_->UpdatePartner(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  void SetValues(const std::string& name, const Values& values) {
    RequireOk(TrySetValues(name, values));
  }

  // Every partner matching `filter`, two per page.
  grpc::Status TryList(const std::string& filter, Names* names) {
    pv1::ListPartnersRequest request;
    request.set_filter(filter);
    request.set_page_size(2);
    for (int pages = 0; pages < 100; ++pages) {
      pv1::ListPartnersResponse response;
      const grpc::Status status =
          stub_->ListPartners(ContextWithDeadline().get(), request, &response);
      if (!status.ok()) return status;
      for (const auto& partner : response.partners()) {
        CHECK(names->insert(partner.name()).second);
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return grpc::Status::OK;
  }
  Names List(const std::string& filter) {
    Names names;
    INFO(filter);
    RequireOk(TryList(filter, &names));
    return names;
  }

  std::vector<fv1::Change> ChangesOf(const std::string& resource_name) {
    fv1::ListChangesRequest request;
    request.set_page_size(1000);
    fv1::ListChangesResponse response;
    RequireOk(feed_->ListChanges(ContextWithDeadline().get(), request, &response));
    std::vector<fv1::Change> changes;
    for (const auto& change : response.changes()) {
      if (change.resource_name() == resource_name) changes.push_back(change);
    }
    return changes;
  }

 private:
  crm::testing::InProcessService service_;
  std::unique_ptr<pv1::PartnerService::Stub> stub_;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed_;
};

// Fields of every type: employees only for organisations, the rest for
// organisations and people.
void DefineStandardFields(Crm& crm) {
  crm.Define("note", Definition(pv1::CUSTOM_FIELD_TYPE_STRING, {kOrganization, kPerson}));
  crm.Define("employees", Definition(pv1::CUSTOM_FIELD_TYPE_NUMBER, {kOrganization}));
  crm.Define("since", Definition(pv1::CUSTOM_FIELD_TYPE_DATE, {kOrganization, kPerson}));
  crm.Define("audited", Definition(pv1::CUSTOM_FIELD_TYPE_BOOLEAN, {kOrganization, kPerson}));
  crm.Define("tier", Definition(pv1::CUSTOM_FIELD_TYPE_ENUMERATION, {kOrganization, kPerson},
                                {"gold", "silver", "bronze"}));
}

}  // namespace

TEST_CASE("custom fields: definitions of every type are created, read and listed by key",
          "[custom_fields]") {
  Crm crm;
  DefineStandardFields(crm);
  const pv1::CustomFieldDefinition tier = crm.GetDefinition("customFieldDefinitions/tier");
  CHECK(tier.name() == "customFieldDefinitions/tier");
  CHECK(tier.type() == pv1::CUSTOM_FIELD_TYPE_ENUMERATION);
  CHECK(std::vector<std::string>(tier.allowed_values().begin(), tier.allowed_values().end()) ==
        std::vector<std::string>{"gold", "silver", "bronze"});
  CHECK(tier.categories_size() == 2);
  CHECK(tier.display_name() == "Field");
  CHECK(tier.description() == "A field for tests");
  CHECK_FALSE(tier.etag().empty());
  CHECK(tier.create_time().seconds() > 0);
  CHECK(tier.update_time().seconds() == tier.create_time().seconds());
  CHECK(tier.update_time().nanos() == tier.create_time().nanos());

  // Create returns what Get reads.
  pv1::CustomFieldDefinition created;
  RequireOk(
      crm.TryDefine("a_flag_2", Definition(pv1::CUSTOM_FIELD_TYPE_BOOLEAN, {kGroup}), &created));
  CHECK(created.name() == "customFieldDefinitions/a_flag_2");
  CHECK(created.SerializeAsString() == crm.GetDefinition(created.name()).SerializeAsString());

  // Six definitions, two per page, by key, without gaps or repeats.
  std::vector<std::string> listed;
  pv1::ListCustomFieldDefinitionsRequest request;
  request.set_page_size(2);
  int pages = 0;
  for (; pages < 10; ++pages) {
    pv1::ListCustomFieldDefinitionsResponse response;
    RequireOk(
        crm.stub().ListCustomFieldDefinitions(ContextWithDeadline().get(), request, &response));
    CHECK(response.custom_field_definitions_size() <= 2);
    for (const auto& definition : response.custom_field_definitions()) {
      CHECK_FALSE(definition.etag().empty());
      listed.push_back(definition.name());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  CHECK(pages == 2);
  CHECK(listed == std::vector<std::string>{
                      "customFieldDefinitions/a_flag_2", "customFieldDefinitions/audited",
                      "customFieldDefinitions/employees", "customFieldDefinitions/note",
                      "customFieldDefinitions/since", "customFieldDefinitions/tier"});

  // The key is unique.
  const grpc::Status again =
      crm.TryDefine("tier", Definition(pv1::CUSTOM_FIELD_TYPE_STRING, {kPerson}));
  CHECK(again.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(crm.GetDefinition("customFieldDefinitions/tier").type() ==
        pv1::CUSTOM_FIELD_TYPE_ENUMERATION);
}

TEST_CASE("custom fields: bad definitions are refused with the field at fault", "[custom_fields]") {
  Crm crm;
  const auto good = Definition(pv1::CUSTOM_FIELD_TYPE_STRING, {kPerson});
  const auto enumeration = Definition(pv1::CUSTOM_FIELD_TYPE_ENUMERATION, {kPerson}, {"a", "b"});
  struct Case {
    std::string what, key;
    pv1::CustomFieldDefinition definition;
    std::string field;
  };
  std::vector<Case> cases = {
      {"no key", "", good, "custom_field_definition_id"},
      {"upper case and dash", "Bad-Key", good, "custom_field_definition_id"},
      {"leading digit", "1abc", good, "custom_field_definition_id"},
      {"41 characters", std::string(41, 'k'), good, "custom_field_definition_id"},
  };
  auto add = [&](const std::string& what, auto change, const std::string& field,
                 const pv1::CustomFieldDefinition& base) {
    pv1::CustomFieldDefinition definition = base;
    change(definition);
    cases.push_back({what, "field_x", definition, field});
  };
  add(
      "no display name", [](auto& d) { d.clear_display_name(); },
      "custom_field_definition.display_name", good);
  add(
      "type unspecified", [](auto& d) { d.set_type(pv1::CUSTOM_FIELD_TYPE_UNSPECIFIED); },
      "custom_field_definition.type", good);
  add(
      "type 99", [](auto& d) { d.set_type(static_cast<pv1::CustomFieldType>(99)); },
      "custom_field_definition.type", good);
  add(
      "no categories", [](auto& d) { d.clear_categories(); }, "custom_field_definition.categories",
      good);
  add(
      "repeated category", [](auto& d) { d.add_categories(kPerson); },
      "custom_field_definition.categories[1]", good);
  add(
      "enumeration without values", [](auto& d) { d.clear_allowed_values(); },
      "custom_field_definition.allowed_values", enumeration);
  add(
      "allowed values on a string", [](auto& d) { d.add_allowed_values("x"); },
      "custom_field_definition.allowed_values", good);
  add(
      "repeated allowed value", [](auto& d) { d.set_allowed_values(1, "a"); },
      "custom_field_definition.allowed_values[1]", enumeration);

  for (const Case& c : cases) {
    INFO(c.what);
    const grpc::Status status = crm.TryDefine(c.key, c.definition);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(FieldsOf(status) == std::vector<std::string>{c.field});
  }
  // A 40-character key is the longest allowed; nothing refused was stored.
  RequireOk(crm.TryDefine(std::string(40, 'k'), good));
  pv1::ListCustomFieldDefinitionsResponse all;
  RequireOk(crm.stub().ListCustomFieldDefinitions(ContextWithDeadline().get(),
                                                  pv1::ListCustomFieldDefinitionsRequest(), &all));
  CHECK(all.custom_field_definitions_size() == 1);

  pv1::CustomFieldDefinition ignored;
  CHECK(crm.TryGetDefinition("customFieldDefinitions/nope", &ignored).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  for (const std::string name : {"", "customFieldDefinitions/Bad-Key", "partners/x", "nope"}) {
    INFO(name);
    const grpc::Status status = crm.TryGetDefinition(name, &ignored);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(FieldsOf(status) == std::vector<std::string>{"name"});
  }
}

TEST_CASE("custom fields: partners' values are checked against the definitions",
          "[custom_fields]") {
  Crm crm;
  DefineStandardFields(crm);
  crm.Define("motto", Definition(pv1::CUSTOM_FIELD_TYPE_STRING, {kGroup}, {}, /*required=*/true));

  const Values values = {{"note", Text("Key account")},
                         {"employees", Number(1250.5)},
                         {"since", Day(2019, 2, 28)},
                         {"audited", Flag(false)},
                         {"tier", Text("silver")}};
  const pv1::Partner created = crm.Create(NewPartner(kOrganization, "Alvis GmbH", values));
  CHECK(ValuesOf(created) == Shown(values));
  CHECK(ValuesOf(crm.Get(created.name())) == Shown(values));
  const pv1::Partner group = crm.Create(NewPartner(kGroup, "Club", {{"motto", Text("Onwards")}}));
  CHECK(ValuesOf(crm.Get(group.name())) == Shown({{"motto", Text("Onwards")}}));
  const Names before = crm.List("");
  REQUIRE(before.size() == 2);

  struct Case {
    std::string what;
    pv1::Partner partner;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"number for a string", NewPartner(kOrganization, "A", {{"note", Number(1)}}),
       "partner.custom_fields.note"},
      {"string for a boolean", NewPartner(kOrganization, "A", {{"audited", Text("yes")}}),
       "partner.custom_fields.audited"},
      {"no member set", NewPartner(kOrganization, "A", {{"employees", {}}}),
       "partner.custom_fields.employees"},
      {"value not allowed", NewPartner(kOrganization, "A", {{"tier", Text("platinum")}}),
       "partner.custom_fields.tier"},
      {"unknown key", NewPartner(kOrganization, "A", {{"nope", Text("x")}}),
       "partner.custom_fields.nope"},
      {"organisation field on a person", NewPartner(kPerson, "A", {{"employees", Number(3)}}),
       "partner.custom_fields.employees"},
      {"required field missing", NewPartner(kGroup, "A"), "partner.custom_fields.motto"},
      {"month 13", NewPartner(kOrganization, "A", {{"since", Day(2020, 13, 1)}}),
       "partner.custom_fields.since"},
      {"February 30", NewPartner(kOrganization, "A", {{"since", Day(2020, 2, 30)}}),
       "partner.custom_fields.since"},
      {"1001 characters", NewPartner(kOrganization, "A", {{"note", Text(std::string(1001, 'x'))}}),
       "partner.custom_fields.note"},
      {"blank string", NewPartner(kOrganization, "A", {{"note", Text("   ")}}),
       "partner.custom_fields.note"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const grpc::Status status = crm.TryCreate(c.partner);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(FieldsOf(status) == std::vector<std::string>{c.field});
  }
  CHECK(crm.List("") == before);
  // 1000 characters is the limit.
  crm.Create(NewPartner(kOrganization, "Long", {{"note", Text(std::string(1000, 'x'))}}));
}

TEST_CASE("custom fields: an update replaces the values, audited and on the feed",
          "[custom_fields]") {
  Crm crm;
  DefineStandardFields(crm);
  const pv1::Partner created = crm.Create(
      NewPartner(kOrganization, "Alvis GmbH", {{"tier", Text("gold")}, {"employees", Number(10)}}));

  const Values replacement = {{"tier", Text("silver")}, {"note", Text("Moved")}};
  pv1::Partner updated;
  RequireOk(crm.TrySetValues(created.name(), replacement, &updated));
  CHECK(ValuesOf(updated) == Shown(replacement));  // employees is gone
  CHECK(updated.etag() != created.etag());
  CHECK(ValuesOf(crm.Get(created.name())) == Shown(replacement));
  CHECK(updated.organization().legal_name() == "Alvis GmbH");

  // The audit trail names each changed value by its key; the values may be
  // personal, so they are hashed like names and addresses.
  pv1::ListAuditEventsRequest audit_request;
  audit_request.set_parent(created.name());
  pv1::ListAuditEventsResponse audit;
  RequireOk(crm.stub().ListAuditEvents(ContextWithDeadline().get(), audit_request, &audit));
  REQUIRE(audit.audit_events_size() == 2);
  const pv1::AuditEvent& event = audit.audit_events(0);
  CHECK(event.method() == "UpdatePartner");
  std::map<std::string, std::pair<std::string, std::string>> changes;
  const auto shape = [](const std::string& value) {
    return value.empty() ? "" : value.rfind("hmac-sha256:", 0) == 0 ? "hash" : value;
  };
  for (const auto& change : event.changes()) {
    CHECK(change.hashed());
    changes[change.field()] = {shape(change.old_value()), shape(change.new_value())};
  }
  using Change = std::pair<std::string, std::string>;
  CHECK(changes == std::map<std::string, Change>{
                       {"custom_fields.employees", {"hash", ""}},
                       {"custom_fields.note", {"", "hash"}},
                       {"custom_fields.tier.string_value", {"hash", "hash"}}});

  // The feed carries the partner with its new values.
  const std::vector<fv1::Change> feed = crm.ChangesOf(created.name());
  REQUIRE(feed.size() == 2);
  CHECK(feed[1].kind() == fv1::CHANGE_KIND_UPDATED);
  CHECK(feed[1].method() == "UpdatePartner");
  pv1::Partner payload;
  REQUIRE(feed[1].resource().UnpackTo(&payload));
  CHECK(ValuesOf(payload) == Shown(replacement));
  CHECK(payload.etag() == updated.etag());

  // An invalid value changes nothing: no new revision, audit event or change.
  const grpc::Status refused = crm.TrySetValues(created.name(), {{"tier", Text("platinum")}});
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(FieldsOf(refused) == std::vector<std::string>{"partner.custom_fields.tier"});
  const pv1::Partner after = crm.Get(created.name());
  CHECK(after.etag() == updated.etag());
  CHECK(ValuesOf(after) == Shown(replacement));
  CHECK(crm.ChangesOf(created.name()).size() == 2);
  RequireOk(crm.stub().ListAuditEvents(ContextWithDeadline().get(), audit_request, &audit));
  CHECK(audit.audit_events_size() == 2);
  // The filter index followed the update.
  CHECK(crm.List("custom_fields.tier = \"gold\"").empty());
  CHECK(crm.List("custom_fields.tier = \"silver\"") == Names{created.name()});
  CHECK(crm.List("custom_fields.employees = 10").empty());
}

TEST_CASE("custom fields: list filters compare values by their type", "[custom_fields]") {
  Crm crm;
  DefineStandardFields(crm);
  const std::string a = crm.Create(NewPartner(kOrganization, "A",
                                              {{"tier", Text("gold")},
                                               {"employees", Number(150)},
                                               {"since", Day(2019, 5, 1)},
                                               {"audited", Flag(true)},
                                               {"note", Text("abc def")}}))
                            .name();
  const std::string b = crm.Create(NewPartner(kOrganization, "B",
                                              {{"tier", Text("silver")},
                                               {"employees", Number(100)},
                                               {"since", Day(2020, 1, 1)},
                                               {"audited", Flag(false)},
                                               {"note", Text("ABX")}}))
                            .name();
  const std::string c = crm.Create(NewPartner(kOrganization, "C")).name();
  const std::string d =
      crm
          .Create(NewPartner(
              kPerson, "D",
              {{"tier", Text("gold")}, {"note", Text("abcd")}, {"since", Day(2021, 12, 31)}}))
          .name();

  CHECK(crm.List("custom_fields.tier = \"gold\"") == Names{a, d});
  CHECK(crm.List("custom_fields.tier != \"gold\"") == Names{b});
  CHECK(crm.List("custom_fields.employees > 100") == Names{a});
  CHECK(crm.List("custom_fields.employees >= 100") == Names{a, b});
  CHECK(crm.List("custom_fields.employees < 1e3") == Names{a, b});
  CHECK(crm.List("custom_fields.since < \"2020-01-01\"") == Names{a});
  CHECK(crm.List("custom_fields.since >= \"2020-01-01\"") == Names{b, d});
  CHECK(crm.List("custom_fields.audited = true") == Names{a});
  CHECK(crm.List("custom_fields.audited = false") == Names{b});
  CHECK(crm.List("custom_fields.note = \"abc*\"") == Names{a, d});
  CHECK(crm.List("custom_fields.note = \"abc\"").empty());
  CHECK(crm.List("category = ORGANIZATION AND custom_fields.tier = \"gold\"") == Names{a});
  CHECK(crm.List("custom_fields.tier = \"gold\" OR custom_fields.audited = false") ==
        Names{a, b, d});
  CHECK(crm.List("category = ORGANIZATION") == Names{a, b, c});

  for (const std::string filter :
       {"custom_fields.nope = \"x\"", "custom_fields.employees > 12abc",
        "custom_fields.since < \"2020-13-01\"", "custom_fields.audited = maybe",
        "custom_fields.audited > true"}) {
    INFO(filter);
    Names ignored;
    const grpc::Status status = crm.TryList(filter, &ignored);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(FieldsOf(status) == std::vector<std::string>{"filter"});
  }
}

TEST_CASE("custom fields: definition changes may not strand partners' values", "[custom_fields]") {
  Crm crm;
  const pv1::CustomFieldDefinition original = crm.Define(
      "tier", Definition(pv1::CUSTOM_FIELD_TYPE_ENUMERATION, {kOrganization, kPerson, kGroup},
                         {"gold", "silver", "bronze"}));
  const std::string org_a =
      crm.Create(NewPartner(kOrganization, "A", {{"tier", Text("gold")}})).name();
  const std::string org_b = crm.Create(NewPartner(kOrganization, "B")).name();
  crm.Create(NewPartner(kPerson, "P", {{"tier", Text("silver")}}));
  pv1::CustomFieldDefinition current = original;
  auto change = [&](auto edit, const std::vector<std::string>& paths) {
    pv1::CustomFieldDefinition definition = current;
    edit(definition);
    pv1::CustomFieldDefinition updated;
    const grpc::Status status = crm.TryUpdateDefinition(definition, paths, &updated);
    if (status.ok()) {
      CHECK(updated.etag() != current.etag());
      current = updated;
    }
    CHECK(crm.GetDefinition(original.name()).SerializeAsString() == current.SerializeAsString());
    return status;
  };
  auto set_allowed = [](std::vector<std::string> values) {
    return [values](pv1::CustomFieldDefinition& d) {
      d.clear_allowed_values();
      for (const auto& value : values) d.add_allowed_values(value);
    };
  };
  auto set_categories = [](std::vector<pv1::PartnerCategory> categories) {
    return [categories](pv1::CustomFieldDefinition& d) {
      d.clear_categories();
      for (auto category : categories) d.add_categories(category);
    };
  };

  // The type never changes.
  const grpc::Status type =
      change([](auto& d) { d.set_type(pv1::CUSTOM_FIELD_TYPE_STRING); }, {"type"});
  CHECK(type.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(FieldsOf(type) == std::vector<std::string>{"update_mask"});

  // Allowed values: only those nobody holds can go.
  CHECK(change(set_allowed({"silver", "bronze"}), {"allowed_values"}).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(change(set_allowed({"gold", "silver"}), {"allowed_values"}).ok());
  CHECK(change(set_allowed({"gold", "silver", "platinum"}), {"allowed_values"}).ok());

  // Categories: only those without values can go.
  CHECK(change(set_categories({kOrganization, kGroup}), {"categories"}).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(change(set_categories({kOrganization, kPerson}), {"categories"}).ok());

  // Required only once every partner of the categories has a value.
  CHECK(change([](auto& d) { d.set_required(true); }, {"required"}).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  crm.SetValues(org_b, {{"tier", Text("platinum")}});
  CHECK(change([](auto& d) { d.set_required(true); }, {"required"}).ok());
  CHECK(current.required());
  // ... and then it is enforced.
  const grpc::Status missing = crm.TrySetValues(org_a, {});
  CHECK(FieldsOf(missing) == std::vector<std::string>{"partner.custom_fields.tier"});
  // While required, a category with partners lacking a value cannot be added.
  crm.Create(NewPartner(kGroup, "G"));
  CHECK(change(set_categories({kOrganization, kPerson, kGroup}), {"categories"}).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);

  // A new required field needs every partner of its categories to have it.
  const auto required_org =
      Definition(pv1::CUSTOM_FIELD_TYPE_NUMBER, {kOrganization}, {}, /*required=*/true);
  CHECK(crm.TryDefine("region", required_org).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  pv1::CustomFieldDefinition ignored;
  CHECK(crm.TryGetDefinition("customFieldDefinitions/region", &ignored).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  crm.Define("region", Definition(pv1::CUSTOM_FIELD_TYPE_NUMBER, {kOrganization}));

  // A stale etag is refused and changes nothing; the current one is accepted.
  pv1::CustomFieldDefinition stale = current;
  stale.set_etag(original.etag());
  stale.set_display_name("Loyalty tier");
  CHECK(crm.TryUpdateDefinition(stale, {"display_name"}).error_code() == grpc::StatusCode::ABORTED);
  CHECK(crm.GetDefinition(original.name()).display_name() == "Field");
  CHECK(change([](auto& d) { d.set_display_name("Loyalty tier"); }, {"display_name"}).ok());
  CHECK(current.display_name() == "Loyalty tier");
  CHECK(current.type() == pv1::CUSTOM_FIELD_TYPE_ENUMERATION);
}

TEST_CASE("custom fields: a definition is deleted once no partner holds a value",
          "[custom_fields]") {
  Crm crm;
  const pv1::CustomFieldDefinition created =
      crm.Define("note", Definition(pv1::CUSTOM_FIELD_TYPE_STRING, {kOrganization}));
  const std::string a = crm.Create(NewPartner(kOrganization, "A", {{"note", Text("x")}})).name();
  const std::string b = crm.Create(NewPartner(kOrganization, "B", {{"note", Text("y")}})).name();
  pv1::CustomFieldDefinition renamed = created;
  renamed.set_display_name("Notes");
  pv1::CustomFieldDefinition updated;
  RequireOk(crm.TryUpdateDefinition(renamed, {"display_name"}, &updated));

  CHECK(crm.TryDeleteDefinition(created.name()).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  crm.SetValues(a, {});
  CHECK(crm.TryDeleteDefinition(created.name()).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  // Deleting the partner takes its values with it.
  pv1::DeletePartnerRequest delete_b;
  delete_b.set_name(b);
  google::protobuf::Empty empty;
  RequireOk(crm.stub().DeletePartner(ContextWithDeadline().get(), delete_b, &empty));
  CHECK(crm.TryDeleteDefinition(created.name(), created.etag()).error_code() ==
        grpc::StatusCode::ABORTED);
  CHECK(crm.TryDeleteDefinition(created.name(), updated.etag()).ok());

  pv1::CustomFieldDefinition ignored;
  CHECK(crm.TryGetDefinition(created.name(), &ignored).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(crm.TryDeleteDefinition(created.name()).error_code() == grpc::StatusCode::NOT_FOUND);
  Names none;
  CHECK(crm.TryList("custom_fields.note = \"x\"", &none).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(crm.TryCreate(NewPartner(kOrganization, "C", {{"note", Text("z")}})).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  // Create, update and delete of the definition are on the feed.
  const std::vector<fv1::Change> feed = crm.ChangesOf(created.name());
  REQUIRE(feed.size() == 3);
  CHECK(feed[0].kind() == fv1::CHANGE_KIND_CREATED);
  CHECK(feed[0].method() == "CreateCustomFieldDefinition");
  CHECK(feed[1].kind() == fv1::CHANGE_KIND_UPDATED);
  CHECK(feed[1].method() == "UpdateCustomFieldDefinition");
  CHECK(feed[2].kind() == fv1::CHANGE_KIND_DELETED);
  CHECK(feed[2].method() == "DeleteCustomFieldDefinition");
  CHECK_FALSE(feed[2].has_resource());
  pv1::CustomFieldDefinition payload;
  REQUIRE(feed[0].resource().UnpackTo(&payload));
  CHECK(payload.SerializeAsString() == created.SerializeAsString());
  REQUIRE(feed[1].resource().UnpackTo(&payload));
  CHECK(payload.display_name() == "Notes");
  CHECK(payload.etag() == updated.etag());
}

TEST_CASE("custom fields: string values are trimmed", "[custom_fields]") {
  Crm crm;
  DefineStandardFields(crm);
  const pv1::Partner created = crm.Create(
      NewPartner(kOrganization, "A", {{"tier", Text("  gold  ")}, {"note", Text("\tHello \n")}}));
  const Values trimmed = {{"tier", Text("gold")}, {"note", Text("Hello")}};
  CHECK(ValuesOf(created) == Shown(trimmed));
  CHECK(ValuesOf(crm.Get(created.name())) == Shown(trimmed));
  CHECK(crm.List("custom_fields.tier = \"gold\"") == Names{created.name()});

  pv1::Partner updated;
  RequireOk(crm.TrySetValues(created.name(), {{"tier", Text(" silver ")}}, &updated));
  CHECK(ValuesOf(updated) == Shown({{"tier", Text("silver")}}));
  CHECK(crm.List("custom_fields.tier = \"silver\"") == Names{created.name()});
}
