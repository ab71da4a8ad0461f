#include "services/sales/contract_service.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/server/resource_handlers.h"
#include "services/partners/client/partner_refs.h"
#include "services/sales/contract_rules.h"
#include "services/sales/pricing_store.h"
#include "services/sales/sales_document_validation.h"
#include "services/sales/schema.h"
#include "services/sales/territory_rules.h"
#include "services/sales/territory_store.h"

namespace crm::sales {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr char kContract[] = "contract";

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const ResourceKind<v1::Contract>& Contracts() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Contract>;
    k->table = &ContractTable();
    k->field = kContract;
    return k;
  }();
  return *kind;
}

const api::FieldMaskRules& ContractUpdateRules() {
  static const auto* rules = new api::FieldMaskRules(server::WithOutputOnlyFields(
      {{"customer", "currency_code", "valid_from", "sales_rep"},
       {"released_value", "state", "cancel_reason", "items.released_quantity"}}));
  return *rules;
}

const std::vector<api::FilterField>& ContractFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::ContractState_descriptor())},
      {"valid_from", api::FieldType::kDate, "valid_from", {}},
      {"valid_to", api::FieldType::kDate, "valid_to", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

// Every product a contract lists must be in the catalogue.
absl::Status CheckProductsExist(db::Connection& c, const v1::Contract& contract) {
  for (int i = 0; i < contract.items_size(); ++i) {
    if (!ProductTable().Exists(c, IdOf(contract.items(i).product()))) {
      return NotFound(contract.items(i).product());
    }
  }
  return absl::OkStatus();
}

absl::Status RequireNotCancelled(const v1::Contract& contract) {
  if (contract.state() == v1::CONTRACT_STATE_CANCELLED) {
    return FailedPrecondition("CANCELLED", contract.name(), "is cancelled; it cannot change");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ContractService::CreateContract(grpc::CallbackServerContext* context,
                                                          const v1::CreateContractRequest* request,
                                                          v1::Contract* response) {
  return server::RunUnary(
      runtime_, context, "CreateContract", request, response,
      [this](const CallContext& call, const v1::CreateContractRequest& req,
             v1::Contract* resp) -> absl::Status {
        Violations violations;
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        v1::Contract contract = req.contract();
        ClearContractOutputOnly(&contract);
        if (!req.has_contract()) {
          violations.Add(kContract, "is required");
        } else {
          ValidateContract(contract, kContract, api::UtcDate(call.now), true, &violations);
        }
        if (!violations.empty()) return violations.ToStatus();
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();
        absl::StatusOr<partners::v1::Partner> customer =
            partners_->ResolvePartner(contract.customer(), call.deadline);
        if (!customer.ok()) return customer.status();
        contract.set_customer(customer->name());  // the survivor, after a merge
        if (absl::Status s =
                partners::ResolvePartnerRefs(*partners_, call.deadline,
                                             {{contract.mutable_sales_rep(), "contract.sales_rep",
                                               partners::PartnerNeed::kEmployee}},
                                             {}, nullptr);
            !s.ok()) {
          return s;
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                if (absl::Status s = CheckProductsExist(c, contract); !s.ok()) return s;
                *contract.mutable_released_value() =
                    money::FromNanos(0, contract.currency_code()).value_or(type::v1::Money());
                contract.set_state(v1::CONTRACT_STATE_ACTIVE);
                server::InsertNewResource(c, call, ContractTable(), api::NewId(), &contract,
                                          req.request_id());
                *resp = contract;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerUnaryReactor* ContractService::GetContract(grpc::CallbackServerContext* context,
                                                       const v1::GetContractRequest* request,
                                                       v1::Contract* response) {
  return server::RunUnary(
      runtime_, context, "GetContract", request, response,
      [this](const CallContext&, const v1::GetContractRequest& req, v1::Contract* resp) {
        return server::GetResource(runtime_, Contracts(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* ContractService::ListContracts(grpc::CallbackServerContext* context,
                                                         const v1::ListContractsRequest* request,
                                                         v1::ListContractsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListContracts", request, response,
      [this](const CallContext&, const v1::ListContractsRequest& req,
             v1::ListContractsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), req.filter(), "", ContractFilterFields(),
            NewestFirstFields(), "create_time desc");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Contracts(), *query, resp->mutable_contracts(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* ContractService::UpdateContract(grpc::CallbackServerContext* context,
                                                          const v1::UpdateContractRequest* request,
                                                          v1::Contract* response) {
  return server::RunUnary(
      runtime_, context, "UpdateContract", request, response,
      [this](const CallContext& call, const v1::UpdateContractRequest& req,
             v1::Contract* resp) -> absl::Status {
        if (!req.has_contract()) return InvalidField(kContract, "is required");
        const v1::Contract& sent = req.contract();
        absl::StatusOr<std::string> id =
            api::ParseResourceName(sent.name(), ContractTable().collection(), "contract.name");
        if (!id.ok()) return id.status();
        v1::Contract probe;
        if (absl::Status s =
                api::ApplyFieldMask(req.update_mask(), sent, &probe, ContractUpdateRules());
            !s.ok()) {
          return s;
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          auto stored = ContractTable().Load<v1::Contract>(c, *id);
          if (!stored) return NotFound(sent.name());
          if (absl::Status s = api::CheckEtag(sent.etag(), stored->revision, sent.name());
              !s.ok()) {
            return s;
          }
          const v1::Contract& before = stored->resource;
          if (absl::Status s = RequireNotCancelled(before); !s.ok()) return s;
          v1::Contract updated = before;
          if (absl::Status s =
                  api::ApplyFieldMask(req.update_mask(), sent, &updated, ContractUpdateRules());
              !s.ok()) {
            return s;
          }
          Violations violations;
          const bool new_valid_to = api::CompareDates(updated.valid_to(), before.valid_to()) != 0;
          ValidateContract(updated, kContract, api::UtcDate(call.now), new_valid_to, &violations);
          if (!violations.empty()) return violations.ToStatus();
          if (absl::Status s = CheckProductsExist(c, updated); !s.ok()) return s;
          if (absl::Status s = CarryOverReleases(before, &updated); !s.ok()) return s;
          server::ReplaceResource(c, call, ContractTable(), *id, &stored->revision, &updated);
          *resp = updated;
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* ContractService::CancelContract(grpc::CallbackServerContext* context,
                                                          const v1::CancelContractRequest* request,
                                                          v1::Contract* response) {
  return server::RunUnary(
      runtime_, context, "CancelContract", request, response,
      [this](const CallContext& call, const v1::CancelContractRequest& req,
             v1::Contract* resp) -> absl::Status {
        Violations violations;
        violations.AddAll(
            api::ParseResourceName(req.name(), ContractTable().collection(), "name").status());
        violations.AddAll(CheckReason(req.reason()));
        if (!violations.empty()) return violations.ToStatus();
        return server::ChangeResource<v1::Contract>(
            runtime_, call, ContractTable(), req.name(), req.etag(),
            [&](db::Connection&, v1::Contract& contract) -> absl::Status {
              if (absl::Status s = RequireNotCancelled(contract); !s.ok()) return s;
              contract.set_state(v1::CONTRACT_STATE_CANCELLED);
              contract.set_cancel_reason(req.reason());
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* ContractService::CreateReleaseOrder(
    grpc::CallbackServerContext* context, const v1::CreateReleaseOrderRequest* request,
    v1::SalesOrder* response) {
  return server::RunUnary(
      runtime_, context, "CreateReleaseOrder", request, response,
      [this](const CallContext& call, const v1::CreateReleaseOrderRequest& req,
             v1::SalesOrder* resp) -> absl::Status {
        const google::type::Date today = api::UtcDate(call.now);
        Violations violations;
        absl::StatusOr<std::string> id = absl::InvalidArgumentError("");
        if (req.contract().empty()) {
          violations.Add(kContract, "is required");
        } else {
          id = api::ParseResourceName(req.contract(), ContractTable().collection(), kContract);
          if (!id.ok()) violations.AddAll(id.status());
        }
        v1::SalesOrder order;
        *order.mutable_items() = req.items();
        for (v1::DocumentItem& item : *order.mutable_items()) item.clear_pricing();
        const std::vector<ItemQuantity> items = CheckDocumentItems(order.items(), "items", &violations);
        CheckDeliveryDate(req.requested_delivery_date(), "requested_delivery_date", today,
                          &violations);
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();

        // The customer's pricing facts come from partners, outside the write.
        std::string customer_name;
        if (absl::Status s = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
              auto stored = ContractTable().Load<v1::Contract>(c, *id);
              if (!stored) return NotFound(req.contract());
              customer_name = stored->resource.customer();
              return absl::OkStatus();
            });
            !s.ok()) {
          return s;
        }
        absl::StatusOr<partners::v1::Partner> customer =
            partners_->ResolvePartner(customer_name, call.deadline);
        if (!customer.ok()) return customer.status();
        PricingContext pricing;
        pricing.date = today;
        pricing.customer = CustomerFactsOf(customer_name, *customer);

        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                auto stored = ContractTable().Load<v1::Contract>(c, *id);
                if (!stored) return NotFound(req.contract());
                v1::Contract& contract = stored->resource;
                if (contract.state() != v1::CONTRACT_STATE_ACTIVE) {
                  return FailedPrecondition(
                      "NOT_ACTIVE", req.contract(),
                      absl::StrCat("is ", v1::ContractState_Name(contract.state())));
                }
                if (api::CompareDates(today, contract.valid_from()) < 0 ||
                    api::CompareDates(today, contract.valid_to()) > 0) {
                  return FailedPrecondition(
                      "OUTSIDE_VALIDITY", req.contract(),
                      absl::StrCat("is valid from ", api::IsoDate(contract.valid_from()), " to ",
                                   api::IsoDate(contract.valid_to()), "; today is ",
                                   api::IsoDate(today), " UTC"));
                }
                pricing.currency_code = contract.currency_code();
                if (absl::Status s = PriceDocument(c, pricing, items, "items", &order); !s.ok()) {
                  return s;
                }
                if (absl::Status s = CheckRelease(contract, order, "items"); !s.ok()) return s;

                order.set_customer(customer->name());
                order.set_contract(contract.name());
                order.set_sales_rep(contract.sales_rep());
                order.set_territory(AssignAccountInWrite(c, call, customer->name(),
                                                         AccountFactsOf(*customer),
                                                         LoadTerritories(c))
                                        .territory());
                *order.mutable_requested_delivery_date() = req.requested_delivery_date();
                order.set_state(v1::SALES_ORDER_STATE_OPEN);
                server::InsertNewResource(c, call, SalesOrderTable(), api::NewId(), &order,
                                          req.request_id());
                CountRelease(order, +1, &contract);
                server::ReplaceResource(c, call, ContractTable(), *id, &stored->revision,
                                        &contract, req.request_id());
                *resp = order;
                return absl::OkStatus();
              });
        });
      });
}

}  // namespace crm::sales
