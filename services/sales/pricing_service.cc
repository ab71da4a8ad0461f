#include "services/sales/pricing_service.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/money/money.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"
#include "services/sales/pricing_engine.h"
#include "services/sales/pricing_store.h"
#include "services/sales/pricing_validation.h"
#include "services/sales/schema.h"

namespace crm::sales {
namespace {

using server::CallContext;
using server::ResourceKind;
using validation::Child;
using validation::Element;

constexpr int kMaxItems = 500;
constexpr money::Scaled kMaxQuantity = 1'000'000'000 * money::kScale;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

absl::Status RequireProduct(db::Connection& c, const std::string& name) {
  if (!ProductTable().Exists(c, IdOf(name))) return NotFound(name);
  return absl::OkStatus();
}

const ResourceKind<v1::PriceList>& PriceLists() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::PriceList>;
    k->table = &PriceListTable();
    k->field = "price_list";
    k->validate = ValidatePriceList;
    k->check_stored = [](db::Connection& c, const v1::PriceList*,
                         const v1::PriceList& list) -> absl::Status {
      for (const v1::PriceListEntry& entry : list.entries()) {
        if (absl::Status s = RequireProduct(c, entry.product()); !s.ok()) return s;
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::PriceCondition>& PriceConditions() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::PriceCondition>;
    k->table = &PriceConditionTable();
    k->field = "price_condition";
    k->validate = ValidatePriceCondition;
    k->check_stored = [](db::Connection& c, const v1::PriceCondition*,
                         const v1::PriceCondition& condition) -> absl::Status {
      if (condition.scope().product().empty()) return absl::OkStatus();
      return RequireProduct(c, condition.scope().product());
    };
    return k;
  }();
  return *kind;
}

const api::OrderBy& NewestFirst() {
  static const auto* order = new api::OrderBy{{{"create_time", true, true}, {"id", false, false}}};
  return *order;
}

// Whether an update with `mask` may change the condition's customer.
bool MaskTouchesCustomer(const google::protobuf::FieldMask& mask) {
  for (const std::string& path : mask.paths()) {
    if (path == "*" || path == "scope" || path == "scope.customer") return true;
  }
  return false;
}

// The checked request of PriceItems.
struct PricingRequest {
  PricingContext context;
  std::vector<ItemQuantity> items;
};

absl::StatusOr<PricingRequest> CheckPricingRequest(const v1::PriceItemsRequest& req,
                                                   absl::Time now) {
  Violations violations;
  PricingRequest checked;
  if (!req.customer().empty()) {
    violations.AddAll(api::ParseResourceName(req.customer(), "partners", "customer").status());
  }
  if (api::IsDateSet(req.pricing_date())) {
    if (!validation::IsValidDate(req.pricing_date())) {
      violations.Add("pricing_date", "must be a full, valid date");
    }
    checked.context.date = req.pricing_date();
  } else {
    checked.context.date = api::UtcDate(now);
  }
  if (!req.currency_code().empty() && !money::IsCurrencyCode(req.currency_code())) {
    violations.Add("currency_code", "must be an ISO 4217 code of three upper-case letters");
  }
  checked.context.currency_code = req.currency_code();
  if (!req.campaign().empty()) {
    violations.AddAll(api::ParseResourceName(req.campaign(), "campaigns", "campaign").status());
  }
  checked.context.campaign = req.campaign();
  if (req.items().empty()) violations.Add("items", "must hold at least one item");
  validation::CheckMaxEntries(req.items_size(), kMaxItems, "items", &violations);
  for (int i = 0; i < req.items_size() && i < kMaxItems; ++i) {
    const std::string at = Element("items", i);
    const v1::ItemToPrice& item = req.items(i);
    std::string id;
    if (item.product().empty()) {
      violations.Add(Child(at, "product"), "is required");
    } else if (absl::StatusOr<std::string> parsed =
                   api::ParseResourceName(item.product(), "products", Child(at, "product"));
               !parsed.ok()) {
      violations.AddAll(parsed.status());
    } else {
      id = *parsed;
    }
    const std::optional<money::Scaled> quantity = money::CheckDecimal(
        item.quantity(), 3, 0, true, kMaxQuantity, Child(at, "quantity"), &violations);
    checked.items.emplace_back(id, quantity.value_or(0));
  }
  if (!violations.empty()) return violations.ToStatus();
  return checked;
}

}  // namespace

absl::Status PricingService::CheckCustomer(const CallContext& call,
                                           const v1::PriceCondition& condition) {
  if (condition.scope().customer().empty()) return absl::OkStatus();
  return partners_->ResolvePartner(condition.scope().customer(), call.deadline).status();
}

grpc::ServerUnaryReactor* PricingService::CreatePriceList(grpc::CallbackServerContext* context,
                                                          const v1::CreatePriceListRequest* request,
                                                          v1::PriceList* response) {
  return server::RunUnary(runtime_, context, "CreatePriceList", request, response,
                          [this](const CallContext& call, const v1::CreatePriceListRequest& req,
                                 v1::PriceList* resp) {
                            return server::CreateResource(
                                runtime_, call, PriceLists(), "", "",
                                req.has_price_list() ? &req.price_list() : nullptr,
                                req.request_id(), req, resp);
                          });
}

grpc::ServerUnaryReactor* PricingService::GetPriceList(grpc::CallbackServerContext* context,
                                                       const v1::GetPriceListRequest* request,
                                                       v1::PriceList* response) {
  return server::RunUnary(
      runtime_, context, "GetPriceList", request, response,
      [this](const CallContext&, const v1::GetPriceListRequest& req, v1::PriceList* resp) {
        return server::GetResource(runtime_, PriceLists(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* PricingService::ListPriceLists(grpc::CallbackServerContext* context,
                                                         const v1::ListPriceListsRequest* request,
                                                         v1::ListPriceListsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListPriceLists", request, response,
      [this](const CallContext&, const v1::ListPriceListsRequest& req,
             v1::ListPriceListsResponse* resp) {
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order = NewestFirst();
        return server::ListResources(runtime_, PriceLists(), query, resp->mutable_price_lists(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* PricingService::UpdatePriceList(grpc::CallbackServerContext* context,
                                                          const v1::UpdatePriceListRequest* request,
                                                          v1::PriceList* response) {
  return server::RunUnary(
      runtime_, context, "UpdatePriceList", request, response,
      [this](const CallContext& call, const v1::UpdatePriceListRequest& req, v1::PriceList* resp) {
        return server::UpdateResource(runtime_, call, PriceLists(),
                                      req.has_price_list() ? &req.price_list() : nullptr,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* PricingService::DeletePriceList(grpc::CallbackServerContext* context,
                                                          const v1::DeletePriceListRequest* request,
                                                          google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeletePriceList", request, response,
                          [this](const CallContext& call, const v1::DeletePriceListRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, PriceLists(), req.name(),
                                                          req.etag());
                          });
}

grpc::ServerUnaryReactor* PricingService::CreatePriceCondition(
    grpc::CallbackServerContext* context, const v1::CreatePriceConditionRequest* request,
    v1::PriceCondition* response) {
  return server::RunUnary(
      runtime_, context, "CreatePriceCondition", request, response,
      [this](const CallContext& call, const v1::CreatePriceConditionRequest& req,
             v1::PriceCondition* resp) -> absl::Status {
        const v1::PriceCondition* sent = req.has_price_condition() ? &req.price_condition() : nullptr;
        if (sent != nullptr) {
          // Only once the request is sound is partners asked about the customer,
          // and not for a retry the service already answered.
          Violations violations;
          ValidatePriceCondition(*sent, "price_condition", &violations);
          violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
          if (!violations.empty()) return violations.ToStatus();
          absl::StatusOr<bool> answered =
              api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
          if (!answered.ok()) return answered.status();
          if (*answered) return absl::OkStatus();
          if (absl::Status s = CheckCustomer(call, *sent); !s.ok()) return s;
        }
        return server::CreateResource(runtime_, call, PriceConditions(), "", "", sent,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* PricingService::GetPriceCondition(
    grpc::CallbackServerContext* context, const v1::GetPriceConditionRequest* request,
    v1::PriceCondition* response) {
  return server::RunUnary(
      runtime_, context, "GetPriceCondition", request, response,
      [this](const CallContext&, const v1::GetPriceConditionRequest& req,
             v1::PriceCondition* resp) {
        return server::GetResource(runtime_, PriceConditions(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* PricingService::ListPriceConditions(
    grpc::CallbackServerContext* context, const v1::ListPriceConditionsRequest* request,
    v1::ListPriceConditionsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListPriceConditions", request, response,
      [this](const CallContext&, const v1::ListPriceConditionsRequest& req,
             v1::ListPriceConditionsResponse* resp) -> absl::Status {
        Violations violations;
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order = NewestFirst();
        std::string where = "1";
        if (api::IsDateSet(req.valid_on())) {
          if (!validation::IsValidDate(req.valid_on())) {
            violations.Add("valid_on", "must be a full, valid date");
          } else {
            where += " AND valid_from <= ? AND valid_to >= ?";
            const std::string day = api::IsoDate(req.valid_on());
            query.where.params.insert(query.where.params.end(), {day, day});
          }
        }
        if (req.type() != v1::CONDITION_TYPE_UNSPECIFIED) {
          if (validation::CheckEnum(req.type(), v1::ConditionType_IsValid, "type", &violations)) {
            where += " AND type = ?";
            query.where.params.emplace_back(int64_t{req.type()});
          }
        }
        if (!violations.empty()) return violations.ToStatus();
        query.where.sql = where;
        query.fingerprint = absl::StrCat(api::IsDateSet(req.valid_on()) ? api::IsoDate(req.valid_on()) : "",
                                         "\n", req.type());
        return server::ListResources(runtime_, PriceConditions(), query,
                                     resp->mutable_price_conditions(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* PricingService::UpdatePriceCondition(
    grpc::CallbackServerContext* context, const v1::UpdatePriceConditionRequest* request,
    v1::PriceCondition* response) {
  return server::RunUnary(
      runtime_, context, "UpdatePriceCondition", request, response,
      [this](const CallContext& call, const v1::UpdatePriceConditionRequest& req,
             v1::PriceCondition* resp) -> absl::Status {
        const v1::PriceCondition* sent = req.has_price_condition() ? &req.price_condition() : nullptr;
        if (sent != nullptr && MaskTouchesCustomer(req.update_mask()) &&
            !sent->scope().customer().empty()) {
          // The cheap refusals first: a bad name, an unknown condition, a
          // stale etag; then partners, outside the write.
          if (absl::Status s = api::ParseResourceName(sent->scope().customer(), "partners",
                                                      "price_condition.scope.customer")
                                   .status();
              !s.ok()) {
            return s;
          }
          if (absl::Status s = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
                absl::StatusOr<std::string> id = api::ParseResourceName(
                    sent->name(), PriceConditionTable().collection(), "price_condition.name");
                if (!id.ok()) return id.status();
                auto stored = PriceConditionTable().Load<v1::PriceCondition>(c, *id);
                if (!stored) return NotFound(sent->name());
                return api::CheckEtag(sent->etag(), stored->revision, sent->name());
              });
              !s.ok()) {
            return s;
          }
          if (absl::Status s = CheckCustomer(call, *sent); !s.ok()) return s;
        }
        return server::UpdateResource(runtime_, call, PriceConditions(), sent, req.update_mask(),
                                      resp);
      });
}

grpc::ServerUnaryReactor* PricingService::DeletePriceCondition(
    grpc::CallbackServerContext* context, const v1::DeletePriceConditionRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeletePriceCondition", request, response,
      [this](const CallContext& call, const v1::DeletePriceConditionRequest& req,
             google::protobuf::Empty*) {
        return server::DeleteResource(runtime_, call, PriceConditions(), req.name(), req.etag());
      });
}

grpc::ServerUnaryReactor* PricingService::PriceItems(grpc::CallbackServerContext* context,
                                                     const v1::PriceItemsRequest* request,
                                                     v1::PriceItemsResponse* response) {
  return server::RunUnary(
      runtime_, context, "PriceItems", request, response,
      [this](const CallContext& call, const v1::PriceItemsRequest& req,
             v1::PriceItemsResponse* resp) -> absl::Status {
        absl::StatusOr<PricingRequest> checked = CheckPricingRequest(req, call.now);
        if (!checked.ok()) return checked.status();
        PricingContext& pricing = checked->context;
        if (!req.customer().empty()) {
          absl::StatusOr<partners::v1::Partner> customer =
              partners_->ResolvePartner(req.customer(), call.deadline);
          if (!customer.ok()) return customer.status();
          pricing.customer = CustomerFactsOf(req.customer(), *customer);
        }
        return runtime_.db().Read([&](db::Connection& c) {
          return PriceStoredItems(c, pricing, checked->items, "items", resp);
        });
      });
}

}  // namespace crm::sales
