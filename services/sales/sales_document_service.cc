#include "services/sales/sales_document_service.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "services/partners/client/partner_refs.h"
#include "services/sales/contract_rules.h"
#include "services/sales/pricing_engine.h"
#include "services/sales/pricing_store.h"
#include "services/sales/revenue_store.h"
#include "services/sales/sales_document_validation.h"
#include "services/sales/schema.h"
#include "services/sales/territory_rules.h"
#include "services/sales/territory_store.h"

namespace crm::sales {
namespace {

using server::CallContext;
using server::ResourceKind;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

template <typename Document>
void ClearOutputOnly(Document* document) {
  document->clear_name();
  for (v1::DocumentItem& item : *document->mutable_items()) item.clear_pricing();
  document->clear_net_total();
  document->clear_tax_total();
  document->clear_gross_total();
  document->clear_pricing_date();
  document->clear_state();
  document->clear_create_time();
  document->clear_update_time();
  document->clear_etag();
}
void ClearKindOutputOnly(v1::Quotation* q) {
  q->clear_sales_order();
  q->clear_reject_reason();
}
void ClearKindOutputOnly(v1::SalesOrder* o) {
  o->clear_quotation();
  o->clear_cancel_reason();
  o->clear_contract();
  o->clear_territory();
  o->clear_completion_date();
}
// The partners a document names beyond its customer.
std::vector<partners::PartnerRef> OtherPartners(v1::Quotation*) { return {}; }
std::vector<partners::PartnerRef> OtherPartners(v1::SalesOrder* o) {
  return {{o->mutable_sales_rep(), "sales_order.sales_rep", partners::PartnerNeed::kEmployee}};
}
// What an order takes from where it is booked: its customer's territory,
// and its opportunity's owner as the rep unless one was named.
void SetBooking(db::Connection&, const std::string&, v1::Quotation*) {}
void SetBooking(db::Connection& c, const std::string& territory, v1::SalesOrder* o) {
  o->set_territory(territory);
  if (o->sales_rep().empty() && !o->opportunity().empty()) {
    if (auto opportunity = OpportunityTable().Load<v1::Opportunity>(c, IdOf(o->opportunity()))) {
      o->set_sales_rep(opportunity->resource.owner());
    }
  }
}
void Validate(const v1::Quotation& q, const std::string& path, const google::type::Date& today,
              Violations* out) {
  ValidateQuotation(q, path, today, out);
}
void Validate(const v1::SalesOrder& o, const std::string& path, const google::type::Date& today,
              Violations* out) {
  ValidateSalesOrder(o, path, today, out);
}
void SetOpen(v1::Quotation* q) { q->set_state(v1::QUOTATION_STATE_OPEN); }
void SetOpen(v1::SalesOrder* o) { o->set_state(v1::SALES_ORDER_STATE_OPEN); }

template <typename Resource>
const ResourceKind<Resource>& KindOf(const db::ResourceTable& table) {
  static const auto* kind = [&table] {
    auto* k = new ResourceKind<Resource>;
    k->table = &table;
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& QuotationFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"opportunity", api::FieldType::kString, "opportunity", {}},
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::QuotationState_descriptor())},
      {"valid_until", api::FieldType::kDate, "valid_until", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& SalesOrderFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"opportunity", api::FieldType::kString, "opportunity", {}},
      {"quotation", api::FieldType::kString, "quotation", {}},
      {"contract", api::FieldType::kString, "contract", {}},
      {"campaign", api::FieldType::kString, "campaign", {}},
      {"completion_date", api::FieldType::kDate, "completion_date", {}},
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::SalesOrderState_descriptor())},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

}  // namespace

template <typename Document>
absl::Status SalesDocumentService::CreatePriced(const CallContext& call,
                                                const db::ResourceTable& table, const char* field,
                                                Document document, const std::string& request_id,
                                                const google::protobuf::Message& request,
                                                Document* response) {
  const google::type::Date today = api::UtcDate(call.now);
  ClearOutputOnly(&document);
  ClearKindOutputOnly(&document);
  Violations violations;
  violations.AddAll(api::ValidateRequestId(request_id, "request_id"));
  Validate(document, field, today, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<bool> answered =
      api::AnswerRetry(runtime_.db(), call.method, request_id, request, response);
  if (!answered.ok()) return answered.status();
  if (*answered) return absl::OkStatus();

  PricingContext pricing;
  pricing.date = today;
  pricing.currency_code = document.currency_code();
  pricing.campaign = document.campaign();
  absl::StatusOr<partners::v1::Partner> customer =
      partners_->ResolvePartner(document.customer(), call.deadline);
  if (!customer.ok()) return customer.status();
  pricing.customer = CustomerFactsOf(document.customer(), *customer);
  document.set_customer(customer->name());  // the survivor, after a merge
  const v1::AccountFacts account_facts = AccountFactsOf(*customer);
  if (absl::Status s = partners::ResolvePartnerRefs(*partners_, call.deadline,
                                                    OtherPartners(&document), {}, nullptr);
      !s.ok()) {
    return s;
  }

  Violations unused;
  const std::vector<ItemQuantity> items =
      CheckDocumentItems(document.items(), absl::StrCat(field, ".items"), &unused);
  return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
    return api::RunOnce(
        c, call.method, request_id, api::RequestFingerprint(request), api::TimeToMicros(call.now),
        response, [&]() -> absl::Status {
          if (!document.opportunity().empty() &&
              !OpportunityTable().Exists(c, IdOf(document.opportunity()))) {
            return NotFound(document.opportunity());
          }
          if (absl::Status s =
                  PriceDocument(c, pricing, items, absl::StrCat(field, ".items"), &document);
              !s.ok()) {
            return s;
          }
          const v1::TerritoryAssignment assignment = AssignAccountInWrite(
              c, call, document.customer(), account_facts, LoadTerritories(c));
          SetBooking(c, assignment.territory(), &document);
          SetOpen(&document);
          server::InsertNewResource(c, call, table, api::NewId(), &document, request_id);
          *response = document;
          return absl::OkStatus();
        });
  });
}

grpc::ServerUnaryReactor* SalesDocumentService::CreateQuotation(
    grpc::CallbackServerContext* context, const v1::CreateQuotationRequest* request,
    v1::Quotation* response) {
  return server::RunUnary(
      runtime_, context, "CreateQuotation", request, response,
      [this](const CallContext& call, const v1::CreateQuotationRequest& req,
             v1::Quotation* resp) -> absl::Status {
        if (!req.has_quotation()) return InvalidField("quotation", "is required");
        return CreatePriced(call, QuotationTable(), "quotation", req.quotation(), req.request_id(),
                            req, resp);
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::GetQuotation(
    grpc::CallbackServerContext* context, const v1::GetQuotationRequest* request,
    v1::Quotation* response) {
  return server::RunUnary(
      runtime_, context, "GetQuotation", request, response,
      [this](const CallContext&, const v1::GetQuotationRequest& req, v1::Quotation* resp) {
        return server::GetResource(runtime_, KindOf<v1::Quotation>(QuotationTable()), req.name(),
                                   resp);
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::ListQuotations(
    grpc::CallbackServerContext* context, const v1::ListQuotationsRequest* request,
    v1::ListQuotationsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListQuotations", request, response,
      [this](const CallContext&, const v1::ListQuotationsRequest& req,
             v1::ListQuotationsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), req.filter(), "", QuotationFilterFields(),
            NewestFirstFields(), "create_time desc");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, KindOf<v1::Quotation>(QuotationTable()), *query,
                                     resp->mutable_quotations(), resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::RejectQuotation(
    grpc::CallbackServerContext* context, const v1::RejectQuotationRequest* request,
    v1::Quotation* response) {
  return server::RunUnary(
      runtime_, context, "RejectQuotation", request, response,
      [this](const CallContext& call, const v1::RejectQuotationRequest& req,
             v1::Quotation* resp) -> absl::Status {
        if (absl::Status s =
                api::ParseResourceName(req.name(), QuotationTable().collection(), "name").status();
            !s.ok()) {
          return s;
        }
        if (absl::Status s = CheckReason(req.reason()); !s.ok()) return s;
        return server::ChangeResource<v1::Quotation>(
            runtime_, call, QuotationTable(), req.name(), req.etag(),
            [&](db::Connection&, v1::Quotation& quotation) -> absl::Status {
              if (quotation.state() != v1::QUOTATION_STATE_OPEN) {
                return FailedPrecondition(
                    "NOT_OPEN", req.name(),
                    absl::StrCat("is ", v1::QuotationState_Name(quotation.state())));
              }
              quotation.set_state(v1::QUOTATION_STATE_REJECTED);
              quotation.set_reject_reason(req.reason());
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::OrderQuotation(
    grpc::CallbackServerContext* context, const v1::OrderQuotationRequest* request,
    v1::SalesOrder* response) {
  return server::RunUnary(
      runtime_, context, "OrderQuotation", request, response,
      [this](const CallContext& call, const v1::OrderQuotationRequest& req,
             v1::SalesOrder* resp) -> absl::Status {
        const google::type::Date today = api::UtcDate(call.now);
        Violations violations;
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.name(), QuotationTable().collection(), "name");
        if (!id.ok()) violations.AddAll(id.status());
        CheckDeliveryDate(req.requested_delivery_date(), "requested_delivery_date", today,
                          &violations);
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                auto stored = QuotationTable().Load<v1::Quotation>(c, *id);
                if (!stored) return NotFound(req.name());
                if (absl::Status s = api::CheckEtag(req.etag(), stored->revision, req.name());
                    !s.ok()) {
                  return s;
                }
                v1::Quotation& quotation = stored->resource;
                if (quotation.state() != v1::QUOTATION_STATE_OPEN) {
                  return FailedPrecondition(
                      "NOT_OPEN", req.name(),
                      absl::StrCat("is ", v1::QuotationState_Name(quotation.state())));
                }
                if (api::CompareDates(quotation.valid_until(), today) < 0) {
                  return FailedPrecondition(
                      "EXPIRED", req.name(),
                      absl::StrCat("was valid until ", api::IsoDate(quotation.valid_until())));
                }
                v1::SalesOrder order;
                order.set_customer(quotation.customer());
                order.set_quotation(quotation.name());
                order.set_opportunity(quotation.opportunity());
                order.set_campaign(quotation.campaign());
                order.set_currency_code(quotation.currency_code());
                *order.mutable_items() = quotation.items();
                *order.mutable_net_total() = quotation.net_total();
                *order.mutable_tax_total() = quotation.tax_total();
                *order.mutable_gross_total() = quotation.gross_total();
                *order.mutable_pricing_date() = quotation.pricing_date();
                *order.mutable_requested_delivery_date() = req.requested_delivery_date();
                std::optional<v1::TerritoryAssignment> assignment =
                    StoredAssignment(c, order.customer());
                SetBooking(c, assignment ? assignment->territory() : "", &order);
                order.set_state(v1::SALES_ORDER_STATE_OPEN);
                server::InsertNewResource(c, call, SalesOrderTable(), api::NewId(), &order,
                                          req.request_id());
                quotation.set_state(v1::QUOTATION_STATE_ORDERED);
                quotation.set_sales_order(order.name());
                server::ReplaceResource(c, call, QuotationTable(), *id, &stored->revision,
                                        &quotation, req.request_id());
                *resp = order;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::CreateSalesOrder(
    grpc::CallbackServerContext* context, const v1::CreateSalesOrderRequest* request,
    v1::SalesOrder* response) {
  return server::RunUnary(
      runtime_, context, "CreateSalesOrder", request, response,
      [this](const CallContext& call, const v1::CreateSalesOrderRequest& req,
             v1::SalesOrder* resp) -> absl::Status {
        if (!req.has_sales_order()) return InvalidField("sales_order", "is required");
        return CreatePriced(call, SalesOrderTable(), "sales_order", req.sales_order(),
                            req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::GetSalesOrder(
    grpc::CallbackServerContext* context, const v1::GetSalesOrderRequest* request,
    v1::SalesOrder* response) {
  return server::RunUnary(
      runtime_, context, "GetSalesOrder", request, response,
      [this](const CallContext&, const v1::GetSalesOrderRequest& req, v1::SalesOrder* resp) {
        return server::GetResource(runtime_, KindOf<v1::SalesOrder>(SalesOrderTable()),
                                   req.name(), resp);
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::ListSalesOrders(
    grpc::CallbackServerContext* context, const v1::ListSalesOrdersRequest* request,
    v1::ListSalesOrdersResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListSalesOrders", request, response,
      [this](const CallContext&, const v1::ListSalesOrdersRequest& req,
             v1::ListSalesOrdersResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), req.filter(), "", SalesOrderFilterFields(),
            NewestFirstFields(), "create_time desc");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, KindOf<v1::SalesOrder>(SalesOrderTable()), *query,
                                     resp->mutable_sales_orders(),
                                     resp->mutable_next_page_token());
      });
}

absl::Status SalesDocumentService::FinishOrder(const CallContext& call, const std::string& name,
                                               const std::string& etag, v1::SalesOrderState state,
                                               const std::string& reason,
                                               v1::SalesOrder* response) {
  absl::StatusOr<std::string> id =
      api::ParseResourceName(name, SalesOrderTable().collection(), "name");
  if (!id.ok()) return id.status();
  if (state == v1::SALES_ORDER_STATE_CANCELLED) {
    if (absl::Status s = CheckReason(reason); !s.ok()) return s;
  }
  return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
    auto stored = SalesOrderTable().Load<v1::SalesOrder>(c, *id);
    if (!stored) return NotFound(name);
    if (absl::Status s = api::CheckEtag(etag, stored->revision, name); !s.ok()) return s;
    v1::SalesOrder& order = stored->resource;
    if (order.state() != v1::SALES_ORDER_STATE_OPEN) {
      return FailedPrecondition("NOT_OPEN", name,
                                absl::StrCat("is ", v1::SalesOrderState_Name(order.state())));
    }
    order.set_state(state);
    order.set_cancel_reason(reason);
    if (state == v1::SALES_ORDER_STATE_COMPLETED) {
      *order.mutable_completion_date() = api::UtcDate(call.now);
      BookRevenue(c, order);
    }
    server::ReplaceResource(c, call, SalesOrderTable(), *id, &stored->revision, &order);
    if (state == v1::SALES_ORDER_STATE_CANCELLED && !order.contract().empty()) {
      // A cancelled release order no longer counts against its contract.
      const std::string contract_id = IdOf(order.contract());
      if (auto contract = ContractTable().Load<v1::Contract>(c, contract_id)) {
        CountRelease(order, -1, &contract->resource);
        server::ReplaceResource(c, call, ContractTable(), contract_id, &contract->revision,
                                &contract->resource);
      }
    }
    *response = order;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SalesDocumentService::CompleteSalesOrder(
    grpc::CallbackServerContext* context, const v1::CompleteSalesOrderRequest* request,
    v1::SalesOrder* response) {
  return server::RunUnary(
      runtime_, context, "CompleteSalesOrder", request, response,
      [this](const CallContext& call, const v1::CompleteSalesOrderRequest& req,
             v1::SalesOrder* resp) {
        return FinishOrder(call, req.name(), req.etag(), v1::SALES_ORDER_STATE_COMPLETED, "",
                           resp);
      });
}

grpc::ServerUnaryReactor* SalesDocumentService::CancelSalesOrder(
    grpc::CallbackServerContext* context, const v1::CancelSalesOrderRequest* request,
    v1::SalesOrder* response) {
  return server::RunUnary(
      runtime_, context, "CancelSalesOrder", request, response,
      [this](const CallContext& call, const v1::CancelSalesOrderRequest& req,
             v1::SalesOrder* resp) {
        return FinishOrder(call, req.name(), req.etag(), v1::SALES_ORDER_STATE_CANCELLED,
                           req.reason(), resp);
      });
}

}  // namespace crm::sales
