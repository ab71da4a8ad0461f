#include "services/servicedesk/installed_base_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/dates.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "services/partners/client/partner_refs.h"
#include "services/servicedesk/entitlement_store.h"
#include "services/servicedesk/installed_base_rules.h"
#include "services/servicedesk/schema.h"

namespace crm::servicedesk {
namespace {

using server::CallContext;
using server::ResourceKind;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

// The parent exists, belongs to the same customer, and is not the
// component itself or one of its parts; the serial number is the only one
// of its product.
absl::Status CheckComponentStored(db::Connection& c, const v1::InstalledComponent* before,
                                  const v1::InstalledComponent& after) {
  if (!after.parent().empty()) {
    std::string at = after.parent();
    for (int depth = 0; !at.empty(); ++depth) {
      auto parent = InstalledComponentTable().Load<v1::InstalledComponent>(c, IdOf(at));
      if (!parent) return NotFound(at);
      if (depth == 0 && parent->resource.customer() != after.customer()) {
        return FailedPrecondition("OTHER_CUSTOMER", "installed_component.parent",
                                  absl::StrCat(at, " belongs to ", parent->resource.customer()));
      }
      if (before != nullptr && parent->resource.name() == after.name()) {
        return FailedPrecondition("CYCLE", "installed_component.parent",
                                  absl::StrCat(after.parent(), " is a part of ", after.name()));
      }
      if (depth > 1000) break;
      at = parent->resource.parent();
    }
  }
  if (!after.serial_number().empty()) {
    SQLite::Statement& same = c.Prepare(
        "SELECT id FROM installed_components WHERE product = ?1 AND serial_number = ?2 AND id != "
        "?3",
        {after.product(), after.serial_number(), before ? IdOf(before->name()) : ""});
    if (same.executeStep()) {
      const std::string other = absl::StrCat("installedComponents/", same.getColumn(0).getString());
      same.reset();
      return AlreadyExists(other, absl::StrCat("has the serial number ", after.serial_number(),
                                               " of ", after.product()));
    }
    same.reset();
  }
  return absl::OkStatus();
}

// Components; writes (given the clients) check the customer with partners
// and the product with sales.
ResourceKind<v1::InstalledComponent> Components(partners::PartnersClient* partners = nullptr,
                                                sales::SalesClient* sales = nullptr) {
  ResourceKind<v1::InstalledComponent> kind;
  kind.table = &InstalledComponentTable();
  kind.field = "installed_component";
  kind.update_rules = {{"customer", "kind"}, {}};
  kind.validate = ValidateComponent;
  if (partners != nullptr && sales != nullptr) {
    kind.check_peers = [partners, sales](const CallContext& call,
                                         const v1::InstalledComponent& named,
                                         v1::InstalledComponent* sent) -> absl::Status {
      if (absl::Status s = sales::CheckProductsExist(*sales, call.deadline, {named.product()});
          !s.ok()) {
        return s;
      }
      if (named.customer().empty()) return absl::OkStatus();
      return partners::ResolvePartnerRefs(
          *partners, call.deadline,
          {{sent->mutable_customer(), "installed_component.customer",
            partners::PartnerNeed::kExists}},
          {}, nullptr);
    };
  }
  kind.check_stored = CheckComponentStored;
  kind.check_delete = [](db::Connection& c,
                         const v1::InstalledComponent& component) -> absl::Status {
    if (c.QueryInt64("SELECT count(*) FROM installed_components WHERE parent = ?1",
                     {component.name()}) > 0) {
      return FailedPrecondition("IN_USE", component.name(), "has parts; delete them first");
    }
    if (c.QueryInt64("SELECT count(*) FROM warranties WHERE component = ?1", {component.name()}) >
        0) {
      return FailedPrecondition("IN_USE", component.name(), "has warranties");
    }
    return absl::OkStatus();
  };
  return kind;
}

ResourceKind<v1::Warranty> Warranties() {
  ResourceKind<v1::Warranty> kind;
  kind.table = &WarrantyTable();
  kind.field = "warranty";
  kind.validate = ValidateWarranty;
  kind.check_stored = [](db::Connection& c, const v1::Warranty*,
                         const v1::Warranty& warranty) -> absl::Status {
    auto component =
        InstalledComponentTable().Load<v1::InstalledComponent>(c, IdOf(warranty.component()));
    if (!component) return NotFound(warranty.component());
    if (component->resource.kind() == v1::COMPONENT_KIND_TEXT_ITEM) {
      return FailedPrecondition("TEXT_ITEM", "warranty.component",
                                absl::StrCat(warranty.component(), " is a text item"));
    }
    return absl::OkStatus();
  };
  return kind;
}

// The components are the customer's and can be covered; the response
// profile exists. The contract's components are indexed for entitlements.
absl::Status CheckContractStored(db::Connection& c, const v1::ServiceContract*,
                                 const v1::ServiceContract& contract) {
  for (int i = 0; i < contract.components_size(); ++i) {
    const std::string field = absl::StrCat("service_contract.components[", i, "]");
    auto component =
        InstalledComponentTable().Load<v1::InstalledComponent>(c, IdOf(contract.components(i)));
    if (!component) return NotFound(contract.components(i));
    if (component->resource.customer() != contract.customer()) {
      return FailedPrecondition(
          "OTHER_CUSTOMER", field,
          absl::StrCat(contract.components(i), " belongs to ", component->resource.customer()));
    }
    if (component->resource.kind() == v1::COMPONENT_KIND_TEXT_ITEM) {
      return FailedPrecondition("TEXT_ITEM", field,
                                absl::StrCat(contract.components(i), " is a text item"));
    }
  }
  if (!contract.response_profile().empty() &&
      !SlaPolicyTable().Exists(c, IdOf(contract.response_profile()))) {
    return NotFound(contract.response_profile());
  }
  IndexContractComponents(c, contract);
  return absl::OkStatus();
}

ResourceKind<v1::ServiceContract> Contracts(partners::PartnersClient* partners) {
  ResourceKind<v1::ServiceContract> kind;
  kind.table = &ServiceContractTable();
  kind.field = "service_contract";
  kind.update_rules = {{"customer"}, {}};
  kind.validate = ValidateServiceContract;
  if (partners != nullptr) {
    kind.check_peers = [partners](const CallContext& call, const v1::ServiceContract& named,
                                  v1::ServiceContract* sent) -> absl::Status {
      if (named.customer().empty()) return absl::OkStatus();
      return partners::ResolvePartnerRefs(
          *partners, call.deadline,
          {{sent->mutable_customer(), "service_contract.customer", partners::PartnerNeed::kExists}},
          {}, nullptr);
    };
  }
  kind.check_stored = CheckContractStored;
  return kind;
}

const std::vector<api::FilterField>& ContractFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"start_date", api::FieldType::kDate, "start_date", {}},
      {"end_date", api::FieldType::kDate, "end_date", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& ComponentFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"kind", api::FieldType::kEnum, "kind",
       api::EnumFilterValues(v1::ComponentKind_descriptor())},
      {"product", api::FieldType::kString, "product", {}},
      {"serial_number", api::FieldType::kString, "serial_number", {}},
      {"parent", api::FieldType::kString, "parent", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& WarrantyFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"component", api::FieldType::kString, "component", {}},
      {"start_date", api::FieldType::kDate, "start_date", {}},
      {"end_date", api::FieldType::kDate, "end_date", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& OldestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

}  // namespace

grpc::ServerUnaryReactor* InstalledBaseService::CreateInstalledComponent(
    grpc::CallbackServerContext* context, const v1::CreateInstalledComponentRequest* request,
    v1::InstalledComponent* response) {
  return server::RunUnary(
      runtime_, context, "CreateInstalledComponent", request, response,
      [this](const CallContext& call, const v1::CreateInstalledComponentRequest& req,
             v1::InstalledComponent* resp) {
        return server::CreateResource(
            runtime_, call, Components(partners_.get(), sales_.get()), "", "",
            req.has_installed_component() ? &req.installed_component() : nullptr, req.request_id(),
            req, resp);
      });
}

grpc::ServerUnaryReactor* InstalledBaseService::GetInstalledComponent(
    grpc::CallbackServerContext* context, const v1::GetInstalledComponentRequest* request,
    v1::InstalledComponent* response) {
  return server::RunUnary(runtime_, context, "GetInstalledComponent", request, response,
                          [this](const CallContext&, const v1::GetInstalledComponentRequest& req,
                                 v1::InstalledComponent* resp) {
                            return server::GetResource(runtime_, Components(), req.name(), resp);
                          });
}

grpc::ServerUnaryReactor* InstalledBaseService::ListInstalledComponents(
    grpc::CallbackServerContext* context, const v1::ListInstalledComponentsRequest* request,
    v1::ListInstalledComponentsResponse* response) {
  return server::RunUnary(runtime_, context, "ListInstalledComponents", request, response,
                          [this](const CallContext&, const v1::ListInstalledComponentsRequest& req,
                                 v1::ListInstalledComponentsResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                ComponentFilterFields(), OldestFirstFields(), "create_time");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, Components(), *query,
                                                         resp->mutable_installed_components(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* InstalledBaseService::UpdateInstalledComponent(
    grpc::CallbackServerContext* context, const v1::UpdateInstalledComponentRequest* request,
    v1::InstalledComponent* response) {
  return server::RunUnary(
      runtime_, context, "UpdateInstalledComponent", request, response,
      [this](const CallContext& call, const v1::UpdateInstalledComponentRequest& req,
             v1::InstalledComponent* resp) {
        return server::UpdateResource(
            runtime_, call, Components(partners_.get(), sales_.get()),
            req.has_installed_component() ? &req.installed_component() : nullptr, req.update_mask(),
            resp);
      });
}

grpc::ServerUnaryReactor* InstalledBaseService::DeleteInstalledComponent(
    grpc::CallbackServerContext* context, const v1::DeleteInstalledComponentRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteInstalledComponent", request, response,
      [this](const CallContext& call, const v1::DeleteInstalledComponentRequest& req,
             google::protobuf::Empty*) {
        return server::DeleteResource(runtime_, call, Components(), req.name(), req.etag());
      });
}

grpc::ServerUnaryReactor* InstalledBaseService::CreateWarranty(
    grpc::CallbackServerContext* context, const v1::CreateWarrantyRequest* request,
    v1::Warranty* response) {
  return server::RunUnary(
      runtime_, context, "CreateWarranty", request, response,
      [this](const CallContext& call, const v1::CreateWarrantyRequest& req, v1::Warranty* resp) {
        return server::CreateResource(runtime_, call, Warranties(), "", "",
                                      req.has_warranty() ? &req.warranty() : nullptr,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* InstalledBaseService::ListWarranties(
    grpc::CallbackServerContext* context, const v1::ListWarrantiesRequest* request,
    v1::ListWarrantiesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListWarranties", request, response,
      [this](const CallContext&, const v1::ListWarrantiesRequest& req,
             v1::ListWarrantiesResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(), "",
                                      WarrantyFilterFields(), OldestFirstFields(), "create_time");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Warranties(), *query, resp->mutable_warranties(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* InstalledBaseService::CreateServiceContract(
    grpc::CallbackServerContext* context, const v1::CreateServiceContractRequest* request,
    v1::ServiceContract* response) {
  return server::RunUnary(
      runtime_, context, "CreateServiceContract", request, response,
      [this](const CallContext& call, const v1::CreateServiceContractRequest& req,
             v1::ServiceContract* resp) {
        return server::CreateResource(
            runtime_, call, Contracts(partners_.get()), "", "",
            req.has_service_contract() ? &req.service_contract() : nullptr, req.request_id(), req,
            resp);
      });
}

grpc::ServerUnaryReactor* InstalledBaseService::GetServiceContract(
    grpc::CallbackServerContext* context, const v1::GetServiceContractRequest* request,
    v1::ServiceContract* response) {
  return server::RunUnary(runtime_, context, "GetServiceContract", request, response,
                          [this](const CallContext&, const v1::GetServiceContractRequest& req,
                                 v1::ServiceContract* resp) {
                            return server::GetResource(runtime_, Contracts(nullptr), req.name(),
                                                       resp);
                          });
}

grpc::ServerUnaryReactor* InstalledBaseService::ListServiceContracts(
    grpc::CallbackServerContext* context, const v1::ListServiceContractsRequest* request,
    v1::ListServiceContractsResponse* response) {
  return server::RunUnary(runtime_, context, "ListServiceContracts", request, response,
                          [this](const CallContext&, const v1::ListServiceContractsRequest& req,
                                 v1::ListServiceContractsResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                ContractFilterFields(), OldestFirstFields(), "create_time");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, Contracts(nullptr), *query,
                                                         resp->mutable_service_contracts(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* InstalledBaseService::UpdateServiceContract(
    grpc::CallbackServerContext* context, const v1::UpdateServiceContractRequest* request,
    v1::ServiceContract* response) {
  return server::RunUnary(
      runtime_, context, "UpdateServiceContract", request, response,
      [this](const CallContext& call, const v1::UpdateServiceContractRequest& req,
             v1::ServiceContract* resp) {
        return server::UpdateResource(
            runtime_, call, Contracts(partners_.get()),
            req.has_service_contract() ? &req.service_contract() : nullptr, req.update_mask(),
            resp);
      });
}

grpc::ServerUnaryReactor* InstalledBaseService::CheckEntitlement(
    grpc::CallbackServerContext* context, const v1::CheckEntitlementRequest* request,
    v1::Entitlement* response) {
  return server::RunUnary(
      runtime_, context, "CheckEntitlement", request, response,
      [this](const CallContext& call, const v1::CheckEntitlementRequest& req,
             v1::Entitlement* resp) -> absl::Status {
        Violations violations;
        validation::CheckRequiredText(req.serial_number(), 60, "serial_number", &violations);
        validation::CheckOptionalReference(req.product(), "products", "product", &violations);
        if (api::IsDateSet(req.date())) {
          validation::CheckRequiredDate(req.date(), "date", &violations);
        }
        if (!violations.empty()) return violations.ToStatus();
        const google::type::Date day =
            api::IsDateSet(req.date()) ? req.date() : api::UtcDate(call.now);
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          db::SqlFragment where{"serial_number = ?", {req.serial_number()}};
          if (!req.product().empty()) {
            where.sql += " AND product = ?";
            where.params.push_back(req.product());
          }
          std::vector<v1::InstalledComponent> found;
          InstalledComponentTable().ForEach<v1::InstalledComponent>(
              c, where, api::OrderBy{{{"id", false, false}}},
              [&](const v1::InstalledComponent& component) { found.push_back(component); });
          if (found.empty()) {
            return NotFound(
                absl::StrCat("installedComponents with serial number ", req.serial_number()));
          }
          if (found.size() > 1) {
            std::vector<std::string> products;
            for (const auto& component : found) products.push_back(component.product());
            return FailedPrecondition("AMBIGUOUS_SERIAL_NUMBER", "serial_number",
                                      absl::StrCat("objects of ", absl::StrJoin(products, ", "),
                                                   " have it; name the product"));
          }
          *resp = LoadEntitlement(c, found[0], day);
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::servicedesk
