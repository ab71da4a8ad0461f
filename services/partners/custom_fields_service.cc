// PartnersService: custom field definitions. Changes that would leave
// partners' values invalid are refused while those values exist.
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/field_mask.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "services/partners/custom_field_store.h"
#include "services/partners/custom_fields.h"
#include "services/partners/partners_service.h"

namespace crm::partners {
namespace {

using server::CallContext;

constexpr char kCollection[] = "customFieldDefinitions";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

const api::FieldMaskRules& UpdateRules() {
  static const auto* rules =
      new api::FieldMaskRules{{"type"}, {"name", "create_time", "update_time", "etag"}};
  return *rules;
}

absl::StatusOr<std::string> ParseKey(const std::string& name, absl::string_view field) {
  absl::StatusOr<std::string> key = api::ParseResourceName(name, kCollection, field);
  if (key.ok() && !IsValidCustomFieldKey(*key)) {
    return InvalidField(field, absl::StrCat("\"", name, "\" is not a custom field definition name"));
  }
  return key;
}

// The rules that need the partners: a change may not strand existing values
// or leave partners without a value that becomes required.
absl::Status CheckAgainstPartners(db::Connection& c, const std::string& key,
                                  const v1::CustomFieldDefinition& before,
                                  const v1::CustomFieldDefinition& after) {
  const std::set<int> old_categories(before.categories().begin(), before.categories().end());
  const std::set<int> new_categories(after.categories().begin(), after.categories().end());
  for (int category : old_categories) {
    if (new_categories.count(category) == 0 &&
        AnyPartnerOfCategoryHoldsValue(c, key, category)) {
      return FailedPrecondition(
          "IN_USE", after.name(),
          absl::StrCat("partners of category ", v1::PartnerCategory_Name(category),
                       " hold values of this field; remove them before removing the category"));
    }
  }
  if (after.required()) {
    for (int category : new_categories) {
      if (AnyPartnerOfCategoryLacksValue(c, key, category)) {
        return FailedPrecondition(
            "IN_USE", after.name(),
            absl::StrCat("some partners of category ", v1::PartnerCategory_Name(category),
                         " have no value; give them one before making the field required"));
      }
    }
  }
  const std::set<std::string> kept(after.allowed_values().begin(), after.allowed_values().end());
  for (const std::string& value : before.allowed_values()) {
    if (kept.count(value) == 0 && AnyPartnerHoldsValue(c, key, value)) {
      return FailedPrecondition("IN_USE", after.name(),
                                absl::StrCat("partners hold the value \"", value,
                                             "\"; change them before removing it"));
    }
  }
  return absl::OkStatus();
}

void ClearOutputOnly(v1::CustomFieldDefinition* definition) {
  definition->clear_name();
  definition->clear_create_time();
  definition->clear_update_time();
  definition->clear_etag();
}

}  // namespace

grpc::ServerUnaryReactor* PartnersService::CreateCustomFieldDefinition(
    grpc::CallbackServerContext* context, const v1::CreateCustomFieldDefinitionRequest* request,
    v1::CustomFieldDefinition* response) {
  return server::RunUnary(
      runtime_, context, "CreateCustomFieldDefinition", request, response,
      [this](const CallContext& call, const v1::CreateCustomFieldDefinitionRequest& req,
             v1::CustomFieldDefinition* resp) -> absl::Status {
        Violations violations;
        const std::string& key = req.custom_field_definition_id();
        if (key.empty()) {
          violations.Add("custom_field_definition_id", "is required");
        } else if (!IsValidCustomFieldKey(key)) {
          violations.Add("custom_field_definition_id",
                         "must be a lower-case letter, then up to 39 lower-case letters, digits "
                         "or underscores");
        }
        if (!req.has_custom_field_definition()) {
          violations.Add("custom_field_definition", "is required");
        }
        v1::CustomFieldDefinition definition = req.custom_field_definition();
        ClearOutputOnly(&definition);
        NormalizeCustomFieldDefinition(&definition);
        if (req.has_custom_field_definition()) {
          ValidateCustomFieldDefinition(definition, "custom_field_definition", &violations);
        }
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          definition.set_name(absl::StrCat(kCollection, "/", key));
          if (LoadDefinition(c, key)) {
            return AlreadyExists(definition.name(), "a custom field with this key exists");
          }
          if (CountDefinitions(c) >= kMaxCustomFieldDefinitions) {
            return FailedPrecondition("LIMIT", definition.name(),
                                      absl::StrCat("at most ", kMaxCustomFieldDefinitions,
                                                   " custom fields can be defined"));
          }
          if (absl::Status s =
                  CheckAgainstPartners(c, key, v1::CustomFieldDefinition(), definition);
              !s.ok()) {
            return s;
          }
          *definition.mutable_create_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
          *definition.mutable_update_time() = definition.create_time();
          definition.set_etag(api::EtagForRevision(1));
          InsertDefinition(c, key, definition);
          feed::AppendChange(c, definition.name(), feed::v1::CHANGE_KIND_CREATED, &definition,
                             call, "");
          *resp = std::move(definition);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::GetCustomFieldDefinition(
    grpc::CallbackServerContext* context, const v1::GetCustomFieldDefinitionRequest* request,
    v1::CustomFieldDefinition* response) {
  return server::RunUnary(
      runtime_, context, "GetCustomFieldDefinition", request, response,
      [this](const CallContext&, const v1::GetCustomFieldDefinitionRequest& req,
             v1::CustomFieldDefinition* resp) -> absl::Status {
        absl::StatusOr<std::string> key = ParseKey(req.name(), "name");
        if (!key.ok()) return key.status();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          std::optional<StoredDefinition> stored = LoadDefinition(c, *key);
          if (!stored) return NotFound(req.name());
          *resp = std::move(stored->definition);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::ListCustomFieldDefinitions(
    grpc::CallbackServerContext* context, const v1::ListCustomFieldDefinitionsRequest* request,
    v1::ListCustomFieldDefinitionsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListCustomFieldDefinitions", request, response,
      [this](const CallContext&, const v1::ListCustomFieldDefinitionsRequest& req,
             v1::ListCustomFieldDefinitionsResponse* resp) -> absl::Status {
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), kDefaultPageSize, kMaxPageSize);
        if (!page_size.ok()) return page_size.status();
        static const auto* order = new api::OrderBy{{{"key", false, false}}};
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), kCollection, *order);
        if (!after.ok()) return after.status();
        const std::string after_key = after->empty() ? "" : std::get<std::string>((*after)[0]);
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          std::vector<StoredDefinition> page = ListDefinitions(c, after_key, *page_size);
          const bool more = static_cast<int>(page.size()) > *page_size;
          if (more) page.pop_back();
          if (more) {
            resp->set_next_page_token(api::EncodePageToken(kCollection, {page.back().key}));
          }
          for (auto& stored : page) {
            *resp->add_custom_field_definitions() = std::move(stored.definition);
          }
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::UpdateCustomFieldDefinition(
    grpc::CallbackServerContext* context, const v1::UpdateCustomFieldDefinitionRequest* request,
    v1::CustomFieldDefinition* response) {
  return server::RunUnary(
      runtime_, context, "UpdateCustomFieldDefinition", request, response,
      [this](const CallContext& call, const v1::UpdateCustomFieldDefinitionRequest& req,
             v1::CustomFieldDefinition* resp) -> absl::Status {
        if (!req.has_custom_field_definition()) {
          return InvalidField("custom_field_definition", "is required");
        }
        const std::string& name = req.custom_field_definition().name();
        absl::StatusOr<std::string> key = ParseKey(name, "custom_field_definition.name");
        if (!key.ok()) return key.status();
        v1::CustomFieldDefinition probe;
        if (absl::Status s = api::ApplyFieldMask(req.update_mask(), req.custom_field_definition(),
                                                 &probe, UpdateRules());
            !s.ok()) {
          return s;
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          std::optional<StoredDefinition> stored = LoadDefinition(c, *key);
          if (!stored) return NotFound(name);
          if (absl::Status s =
                  api::CheckEtag(req.custom_field_definition().etag(), stored->revision, name);
              !s.ok()) {
            return s;
          }
          const v1::CustomFieldDefinition before = stored->definition;
          v1::CustomFieldDefinition& updated = stored->definition;
          if (absl::Status s = api::ApplyFieldMask(
                  req.update_mask(), req.custom_field_definition(), &updated, UpdateRules());
              !s.ok()) {
            return s;
          }
          NormalizeCustomFieldDefinition(&updated);
          Violations violations;
          ValidateCustomFieldDefinition(updated, "custom_field_definition", &violations);
          if (!violations.empty()) return violations.ToStatus();
          if (absl::Status s = CheckAgainstPartners(c, *key, before, updated); !s.ok()) return s;
          *updated.mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
          ++stored->revision;
          updated.set_etag(api::EtagForRevision(stored->revision));
          ReplaceDefinition(c, *key, updated, stored->revision);
          feed::AppendChange(c, updated.name(), feed::v1::CHANGE_KIND_UPDATED, &updated, call, "");
          *resp = updated;
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::DeleteCustomFieldDefinition(
    grpc::CallbackServerContext* context, const v1::DeleteCustomFieldDefinitionRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteCustomFieldDefinition", request, response,
      [this](const CallContext& call, const v1::DeleteCustomFieldDefinitionRequest& req,
             google::protobuf::Empty*) -> absl::Status {
        absl::StatusOr<std::string> key = ParseKey(req.name(), "name");
        if (!key.ok()) return key.status();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          std::optional<StoredDefinition> stored = LoadDefinition(c, *key);
          if (!stored) return NotFound(req.name());
          if (absl::Status s = api::CheckEtag(req.etag(), stored->revision, req.name()); !s.ok()) {
            return s;
          }
          if (AnyPartnerHoldsValue(c, *key)) {
            return FailedPrecondition("IN_USE", req.name(),
                                      "partners hold values of this field; remove them first");
          }
          DeleteDefinition(c, *key);
          feed::AppendChange(c, req.name(), feed::v1::CHANGE_KIND_DELETED, nullptr, call, "");
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::partners
