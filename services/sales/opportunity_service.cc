#include "services/sales/opportunity_service.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/money/money.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "services/partners/client/partner_refs.h"
#include "services/sales/opportunity_validation.h"
#include "services/sales/schema.h"
#include "services/sales/territory_rules.h"
#include "services/sales/territory_store.h"

namespace crm::sales {
namespace {

using server::CallContext;
using server::ResourceKind;
using validation::Child;
using validation::Element;

constexpr char kOpportunity[] = "opportunity";

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const ResourceKind<v1::SalesStage>& SalesStages() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::SalesStage>;
    k->table = &SalesStageTable();
    k->field = "sales_stage";
    k->validate = ValidateSalesStage;
    k->check_stored = [](db::Connection& c, const v1::SalesStage*,
                         const v1::SalesStage& stage) -> absl::Status {
      if (c.QueryInt64("SELECT count(*) FROM sales_stages WHERE position = ?1 AND id != ?2",
                       {int64_t{stage.position()}, IdOf(stage.name())}) > 0) {
        return FailedPrecondition("POSITION_TAKEN", stage.name(),
                                  absl::StrCat("another stage has position ", stage.position()));
      }
      return absl::OkStatus();
    };
    k->check_delete = [](db::Connection& c, const v1::SalesStage& stage) -> absl::Status {
      if (c.QueryInt64("SELECT count(*) FROM stage_changes WHERE to_stage = ?1",
                       {stage.name()}) > 0) {
        return FailedPrecondition("IN_USE", stage.name(),
                                  "opportunities have been in this stage; retire it instead");
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const api::FieldMaskRules& OpportunityUpdateRules() {
  static const auto* rules = new api::FieldMaskRules(server::WithOutputOnlyFields(
      {{"account"},
       {"state", "close_reason", "lost_to", "close_time", "weighted_revenue", "territory"}}));
  return *rules;
}

// A stage an opportunity may enter.
absl::StatusOr<v1::SalesStage> EnterableStage(db::Connection& c, const std::string& name,
                                              const std::string& field) {
  auto stored = SalesStageTable().Load<v1::SalesStage>(c, IdOf(name));
  if (!stored) return NotFound(name);
  if (stored->resource.retired()) {
    return FailedPrecondition("STAGE_RETIRED", field,
                              absl::StrCat(name, " is retired; choose another stage"));
  }
  return std::move(stored->resource);
}

void SetWeightedRevenue(v1::Opportunity* opportunity) {
  const std::string& currency = opportunity->expected_revenue().currency_code();
  const money::Nanos weighted = money::MultiplyToMinorUnit(
      money::ToNanos(opportunity->expected_revenue()),
      money::Scaled{opportunity->probability_percent()} * money::kScale / 100, currency);
  *opportunity->mutable_weighted_revenue() =
      money::FromNanos(weighted, currency).value_or(type::v1::Money());
}

void AppendStageChange(db::Connection& c, const CallContext& call, const std::string& id,
                       const std::string& from_stage, const v1::Opportunity& after) {
  v1::StageChange change;
  change.set_from_stage(from_stage);
  change.set_to_stage(after.stage());
  change.set_probability_percent(after.probability_percent());
  *change.mutable_expected_revenue() = after.expected_revenue();
  change.set_state(after.state());
  change.set_changed_by(call.caller.principal);
  *change.mutable_change_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  const int64_t seq =
      c.QueryInt64("SELECT COALESCE(MAX(seq), 0) + 1 FROM stage_changes WHERE opportunity_id = ?1",
                   {id});
  SQLite::Statement& insert = c.Prepare(
      "INSERT INTO stage_changes (opportunity_id, seq, to_stage, data) VALUES (?1, ?2, ?3, ?4)");
  const std::string blob = change.SerializeAsString();
  insert.bind(1, id);
  insert.bind(2, seq);
  insert.bind(3, after.stage());
  insert.bind(4, blob.data(), static_cast<int>(blob.size()));
  insert.exec();
  insert.reset();
}

absl::Status RequireOpen(const v1::Opportunity& opportunity) {
  if (opportunity.state() != v1::OPPORTUNITY_STATE_OPEN) {
    return FailedPrecondition(
        "CLOSED", opportunity.name(),
        absl::StrCat("is ", v1::OpportunityState_Name(opportunity.state()),
                     "; a closed opportunity cannot change"));
  }
  return absl::OkStatus();
}

const std::vector<api::FilterField>& OpportunityFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"account", api::FieldType::kString, "account", {}},
      {"owner", api::FieldType::kString, "owner", {}},
      {"stage", api::FieldType::kString, "stage", {}},
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::OpportunityState_descriptor())},
      {"close_date", api::FieldType::kDate, "close_date", {}},
      {"source_campaign", api::FieldType::kString, "source_campaign", {}},
      {"territory", api::FieldType::kString, "territory", {}},
      {"display_name", api::FieldType::kString, "display_name", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
      {"update_time", api::FieldType::kTimestamp, "update_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& OpportunityOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{
      {"close_date", "close_date", false},
      {"display_name", "display_name", false},
      {"create_time", "create_time", true},
      {"update_time", "update_time", true},
  };
  return *fields;
}

const api::OrderKey kById{"id", false, false};

// Every partner an opportunity names, with what it must be.
std::vector<partners::PartnerRef> PartnerRefsOf(v1::Opportunity* o) {
  const std::string path = kOpportunity;
  std::vector<partners::PartnerRef> refs = {
      {o->mutable_account(), Child(path, "account"), partners::PartnerNeed::kExists},
      {o->mutable_owner(), Child(path, "owner"), partners::PartnerNeed::kEmployee}};
  for (int i = 0; i < o->sales_team_size(); ++i) {
    refs.push_back({o->mutable_sales_team(i), Element(Child(path, "sales_team"), i),
                    partners::PartnerNeed::kEmployee});
  }
  for (int i = 0; i < o->decision_makers_size(); ++i) {
    refs.push_back({o->mutable_decision_makers(i)->mutable_partner(),
                    Child(Element(Child(path, "decision_makers"), i), "partner"),
                    partners::PartnerNeed::kExists});
  }
  for (int i = 0; i < o->competitors_size(); ++i) {
    refs.push_back({o->mutable_competitors(i)->mutable_partner(),
                    Child(Element(Child(path, "competitors"), i), "partner"),
                    partners::PartnerNeed::kCompetitor});
  }
  return refs;
}

}  // namespace

absl::Status OpportunityService::CheckPartners(
    const CallContext& call, v1::Opportunity* after, const v1::Opportunity* before,
    std::map<std::string, std::string>* renames,
    std::map<std::string, partners::v1::Partner>* resolved) {
  partners::CheckedPartners checked;
  if (before != nullptr) {
    v1::Opportunity earlier = *before;
    checked = partners::CheckedBy(PartnerRefsOf(&earlier));
  }
  return partners::ResolvePartnerRefs(*partners_, call.deadline, PartnerRefsOf(after), checked,
                                      renames, resolved);
}

grpc::ServerUnaryReactor* OpportunityService::CreateSalesStage(
    grpc::CallbackServerContext* context, const v1::CreateSalesStageRequest* request,
    v1::SalesStage* response) {
  return server::RunUnary(runtime_, context, "CreateSalesStage", request, response,
                          [this](const CallContext& call, const v1::CreateSalesStageRequest& req,
                                 v1::SalesStage* resp) {
                            return server::CreateResource(
                                runtime_, call, SalesStages(), req.sales_stage_id(),
                                "sales_stage_id",
                                req.has_sales_stage() ? &req.sales_stage() : nullptr, "", req,
                                resp);
                          });
}

grpc::ServerUnaryReactor* OpportunityService::GetSalesStage(
    grpc::CallbackServerContext* context, const v1::GetSalesStageRequest* request,
    v1::SalesStage* response) {
  return server::RunUnary(
      runtime_, context, "GetSalesStage", request, response,
      [this](const CallContext&, const v1::GetSalesStageRequest& req, v1::SalesStage* resp) {
        return server::GetResource(runtime_, SalesStages(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* OpportunityService::ListSalesStages(
    grpc::CallbackServerContext* context, const v1::ListSalesStagesRequest* request,
    v1::ListSalesStagesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListSalesStages", request, response,
      [this](const CallContext&, const v1::ListSalesStagesRequest& req,
             v1::ListSalesStagesResponse* resp) {
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order.keys = {{"position", false, true}, kById};
        return server::ListResources(runtime_, SalesStages(), query, resp->mutable_sales_stages(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* OpportunityService::UpdateSalesStage(
    grpc::CallbackServerContext* context, const v1::UpdateSalesStageRequest* request,
    v1::SalesStage* response) {
  return server::RunUnary(runtime_, context, "UpdateSalesStage", request, response,
                          [this](const CallContext& call, const v1::UpdateSalesStageRequest& req,
                                 v1::SalesStage* resp) {
                            return server::UpdateResource(
                                runtime_, call, SalesStages(),
                                req.has_sales_stage() ? &req.sales_stage() : nullptr,
                                req.update_mask(), resp);
                          });
}

grpc::ServerUnaryReactor* OpportunityService::DeleteSalesStage(
    grpc::CallbackServerContext* context, const v1::DeleteSalesStageRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteSalesStage", request, response,
                          [this](const CallContext& call, const v1::DeleteSalesStageRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, SalesStages(),
                                                          req.name(), req.etag());
                          });
}

grpc::ServerUnaryReactor* OpportunityService::CreateOpportunity(
    grpc::CallbackServerContext* context, const v1::CreateOpportunityRequest* request,
    v1::Opportunity* response) {
  return server::RunUnary(
      runtime_, context, "CreateOpportunity", request, response,
      [this](const CallContext& call, const v1::CreateOpportunityRequest& req,
             v1::Opportunity* resp) -> absl::Status {
        Violations violations;
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        v1::Opportunity opportunity = req.opportunity();
        ClearOpportunityOutputOnly(&opportunity);
        if (!req.has_opportunity()) {
          violations.Add(kOpportunity, "is required");
        } else {
          ValidateOpportunity(opportunity, kOpportunity, api::UtcDate(call.now), true, &violations);
        }
        if (!violations.empty()) return violations.ToStatus();
        const std::string fingerprint = api::RequestFingerprint(req);
        // A retry already answered needs no partners.
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();
        std::map<std::string, partners::v1::Partner> resolved;
        if (absl::Status s = CheckPartners(call, &opportunity, nullptr, nullptr, &resolved);
            !s.ok()) {
          return s;
        }
        const v1::AccountFacts account_facts = AccountFactsOf(resolved[opportunity.account()]);
        // Resolving partners may have replaced merged names; the rules
        // (e.g. "not the owner twice") must still hold.
        ValidateOpportunity(opportunity, kOpportunity, api::UtcDate(call.now), true, &violations);
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), fingerprint, api::TimeToMicros(call.now), resp,
              [&]() -> absl::Status {
                absl::StatusOr<v1::SalesStage> stage =
                    EnterableStage(c, opportunity.stage(), "opportunity.stage");
                if (!stage.ok()) return stage.status();
                const std::string id = api::NewId();
                opportunity.set_name(absl::StrCat(OpportunityTable().collection(), "/", id));
                opportunity.set_state(v1::OPPORTUNITY_STATE_OPEN);
                if (opportunity.probability_percent() == 0) {
                  opportunity.set_probability_percent(stage->default_probability_percent());
                }
                SetWeightedRevenue(&opportunity);
                // Meeting an account assigns it; the opportunity falls in
                // the territory of its account and product group.
                const std::vector<v1::Territory> territories = LoadTerritories(c);
                AssignAccountInWrite(c, call, opportunity.account(), account_facts, territories);
                opportunity.set_territory(
                    AssignTerritory(territories, account_facts, opportunity.product_group()));
                *opportunity.mutable_create_time() =
                    api::MicrosToTimestamp(api::TimeToMicros(call.now));
                *opportunity.mutable_update_time() = opportunity.create_time();
                opportunity.set_etag(api::EtagForRevision(1));
                OpportunityTable().Insert(c, id, opportunity);
                AppendStageChange(c, call, id, "", opportunity);
                feed::AppendChange(c, opportunity.name(), feed::v1::CHANGE_KIND_CREATED,
                                   &opportunity, call, req.request_id());
                *resp = opportunity;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerUnaryReactor* OpportunityService::GetOpportunity(
    grpc::CallbackServerContext* context, const v1::GetOpportunityRequest* request,
    v1::Opportunity* response) {
  return server::RunUnary(
      runtime_, context, "GetOpportunity", request, response,
      [this](const CallContext&, const v1::GetOpportunityRequest& req,
             v1::Opportunity* resp) -> absl::Status {
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.name(), OpportunityTable().collection(), "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          auto stored = OpportunityTable().Load<v1::Opportunity>(c, *id);
          if (!stored) return NotFound(req.name());
          *resp = std::move(stored->resource);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* OpportunityService::ListOpportunities(
    grpc::CallbackServerContext* context, const v1::ListOpportunitiesRequest* request,
    v1::ListOpportunitiesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListOpportunities", request, response,
      [this](const CallContext&, const v1::ListOpportunitiesRequest& req,
             v1::ListOpportunitiesResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), req.filter(), req.order_by(),
            OpportunityFilterFields(), OpportunityOrderFields(), "create_time");
        if (!query.ok()) return query.status();
        // ResourceTable serves the page; ResourceKind is only needed for its table.
        static const auto* kind = [] {
          auto* k = new ResourceKind<v1::Opportunity>;
          k->table = &OpportunityTable();
          return k;
        }();
        return server::ListResources(runtime_, *kind, *query, resp->mutable_opportunities(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* OpportunityService::UpdateOpportunity(
    grpc::CallbackServerContext* context, const v1::UpdateOpportunityRequest* request,
    v1::Opportunity* response) {
  return server::RunUnary(
      runtime_, context, "UpdateOpportunity", request, response,
      [this](const CallContext& call, const v1::UpdateOpportunityRequest& req,
             v1::Opportunity* resp) -> absl::Status {
        if (!req.has_opportunity()) return InvalidField(kOpportunity, "is required");
        const v1::Opportunity& sent = req.opportunity();
        absl::StatusOr<std::string> id = api::ParseResourceName(
            sent.name(), OpportunityTable().collection(), "opportunity.name");
        if (!id.ok()) return id.status();
        v1::Opportunity probe;
        if (absl::Status s =
                api::ApplyFieldMask(req.update_mask(), sent, &probe, OpportunityUpdateRules());
            !s.ok()) {
          return s;
        }
        bool probability_in_mask = false;
        for (const std::string& path : req.update_mask().paths()) {
          probability_in_mask |= path == "*" || path == "probability_percent";
        }
        // Merged partners' names replaced by their survivors' (CheckPartners).
        std::map<std::string, std::string> renames;
        // Apply to what is stored and validate, the cheap refusals first;
        // then ask partners about the partners named anew, outside the write.
        auto apply = [&](db::Connection& c,
                         db::Stored<v1::Opportunity>* stored) -> absl::StatusOr<v1::Opportunity> {
          auto loaded = OpportunityTable().Load<v1::Opportunity>(c, *id);
          if (!loaded) return NotFound(sent.name());
          *stored = *std::move(loaded);
          if (absl::Status s = api::CheckEtag(sent.etag(), stored->revision, sent.name()); !s.ok()) {
            return s;
          }
          if (absl::Status s = RequireOpen(stored->resource); !s.ok()) return s;
          v1::Opportunity updated = stored->resource;
          if (absl::Status s = api::ApplyFieldMask(req.update_mask(), sent, &updated,
                                                   OpportunityUpdateRules());
              !s.ok()) {
            return s;
          }
          partners::ApplyRenames(renames, PartnerRefsOf(&updated));
          Violations violations;
          const bool new_close_date =
              api::CompareDates(updated.close_date(), stored->resource.close_date()) != 0;
          ValidateOpportunity(updated, kOpportunity, api::UtcDate(call.now), new_close_date,
                              &violations);
          if (!violations.empty()) return violations.ToStatus();
          return updated;
        };
        {
          db::Stored<v1::Opportunity> stored;
          absl::StatusOr<v1::Opportunity> updated;
          if (absl::Status s = runtime_.db().Read([&](db::Connection& c) {
                updated = apply(c, &stored);
                return absl::OkStatus();
              });
              !s.ok()) {
            return s;
          }
          if (!updated.ok()) return updated.status();
          if (absl::Status s = CheckPartners(call, &*updated, &stored.resource, &renames);
              !s.ok()) {
            return s;
          }
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          db::Stored<v1::Opportunity> stored;
          absl::StatusOr<v1::Opportunity> updated = apply(c, &stored);
          if (!updated.ok()) return updated.status();
          const std::string from_stage = stored.resource.stage();
          const bool stage_changes = updated->stage() != from_stage;
          if (stage_changes) {
            absl::StatusOr<v1::SalesStage> stage =
                EnterableStage(c, updated->stage(), "opportunity.stage");
            if (!stage.ok()) return stage.status();
            // The stage's default unless the request set a probability.
            if (!probability_in_mask || updated->probability_percent() == 0) {
              updated->set_probability_percent(stage->default_probability_percent());
            }
          }
          SetWeightedRevenue(&*updated);
          if (updated->product_group() != stored.resource.product_group()) {
            if (std::optional<v1::TerritoryAssignment> account =
                    StoredAssignment(c, updated->account())) {
              updated->set_territory(
                  AssignTerritory(LoadTerritories(c), account->facts(), updated->product_group()));
            }
          }
          *updated->mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
          updated->set_etag(api::EtagForRevision(stored.revision + 1));
          OpportunityTable().Replace(c, *id, *updated, stored.revision + 1);
          if (stage_changes) AppendStageChange(c, call, *id, from_stage, *updated);
          feed::AppendChange(c, updated->name(), feed::v1::CHANGE_KIND_UPDATED, &*updated, call,
                             "");
          *resp = *std::move(updated);
          return absl::OkStatus();
        });
      });
}

absl::Status OpportunityService::Close(const CallContext& call, const std::string& name,
                                       const std::string& etag, v1::OpportunityState state,
                                       const std::string& reason, const std::string& lost_to,
                                       v1::Opportunity* response) {
  Violations violations;
  absl::StatusOr<std::string> id =
      api::ParseResourceName(name, OpportunityTable().collection(), "name");
  if (!id.ok()) violations.AddAll(id.status());
  validation::CheckRequiredText(reason, 1000, "reason", &violations);
  validation::CheckText(lost_to, 200, "lost_to", &violations);
  if (!violations.empty()) return violations.ToStatus();
  return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
    auto stored = OpportunityTable().Load<v1::Opportunity>(c, *id);
    if (!stored) return NotFound(name);
    if (absl::Status s = api::CheckEtag(etag, stored->revision, name); !s.ok()) return s;
    if (absl::Status s = RequireOpen(stored->resource); !s.ok()) return s;
    v1::Opportunity& closed = stored->resource;
    closed.set_state(state);
    closed.set_probability_percent(state == v1::OPPORTUNITY_STATE_WON ? 100 : 0);
    closed.set_close_reason(reason);
    closed.set_lost_to(lost_to);
    *closed.mutable_close_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
    SetWeightedRevenue(&closed);
    *closed.mutable_update_time() = closed.close_time();
    closed.set_etag(api::EtagForRevision(stored->revision + 1));
    OpportunityTable().Replace(c, *id, closed, stored->revision + 1);
    AppendStageChange(c, call, *id, closed.stage(), closed);
    feed::AppendChange(c, closed.name(), feed::v1::CHANGE_KIND_UPDATED, &closed, call, "");
    *response = closed;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OpportunityService::WinOpportunity(
    grpc::CallbackServerContext* context, const v1::WinOpportunityRequest* request,
    v1::Opportunity* response) {
  return server::RunUnary(
      runtime_, context, "WinOpportunity", request, response,
      [this](const CallContext& call, const v1::WinOpportunityRequest& req, v1::Opportunity* resp) {
        return Close(call, req.name(), req.etag(), v1::OPPORTUNITY_STATE_WON, req.reason(), "",
                     resp);
      });
}

grpc::ServerUnaryReactor* OpportunityService::LoseOpportunity(
    grpc::CallbackServerContext* context, const v1::LoseOpportunityRequest* request,
    v1::Opportunity* response) {
  return server::RunUnary(
      runtime_, context, "LoseOpportunity", request, response,
      [this](const CallContext& call, const v1::LoseOpportunityRequest& req,
             v1::Opportunity* resp) {
        return Close(call, req.name(), req.etag(), v1::OPPORTUNITY_STATE_LOST, req.reason(),
                     req.lost_to(), resp);
      });
}

grpc::ServerUnaryReactor* OpportunityService::ListStageChanges(
    grpc::CallbackServerContext* context, const v1::ListStageChangesRequest* request,
    v1::ListStageChangesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListStageChanges", request, response,
      [this](const CallContext&, const v1::ListStageChangesRequest& req,
             v1::ListStageChangesResponse* resp) -> absl::Status {
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.parent(), OpportunityTable().collection(), "parent");
        if (!id.ok()) return id.status();
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), server::kDefaultPageSize, server::kMaxPageSize);
        if (!page_size.ok()) return page_size.status();
        static const api::OrderBy by_seq{{{"seq", false, true}}};
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), req.parent(), by_seq);
        if (!after.ok()) return after.status();
        const int64_t after_seq = after->empty() ? 0 : std::get<int64_t>((*after)[0]);
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          if (!OpportunityTable().Exists(c, *id)) return NotFound(req.parent());
          SQLite::Statement& select = c.Prepare(
              "SELECT seq, data FROM stage_changes WHERE opportunity_id = ?1 AND seq > ?2 "
              "ORDER BY seq LIMIT ?3",
              {*id, after_seq, int64_t{*page_size} + 1});
          int64_t last_seq = 0;
          while (select.executeStep()) {
            if (resp->stage_changes_size() == *page_size) {
              resp->set_next_page_token(api::EncodePageToken(req.parent(), {last_seq}));
              break;
            }
            last_seq = select.getColumn(0).getInt64();
            const SQLite::Column data = select.getColumn(1);
            resp->add_stage_changes()->ParseFromArray(data.getBlob(), data.getBytes());
          }
          select.reset();
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::sales
