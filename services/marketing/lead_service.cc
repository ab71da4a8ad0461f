#include "services/marketing/lead_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/client/peer_call.h"
#include "common/money/money.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "services/marketing/lead_import.h"
#include "services/marketing/lead_rules.h"
#include "services/marketing/lead_store.h"
#include "services/marketing/schema.h"
#include "services/partners/client/partner_refs.h"

namespace crm::marketing {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr char kLead[] = "lead";

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const ResourceKind<v1::Lead>& Leads() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Lead>;
    k->table = &LeadTable();
    k->field = kLead;
    return k;
  }();
  return *kind;
}

const api::FieldMaskRules& LeadUpdateRules() {
  static const auto* rules = new api::FieldMaskRules(
      server::WithOutputOnlyFields({{"source"},
                                    {"score", "level", "matched_scoring_rules", "state", "assignee",
                                     "routing_rule", "opportunity", "disqualify_reason"}}));
  return *rules;
}

// What the server owns in a lead about to be captured.
void PrepareNewLead(v1::Lead* lead) {
  server::ClearOutputOnlyFields(lead);
  lead->clear_score();
  lead->clear_level();
  lead->clear_matched_scoring_rules();
  lead->clear_assignee();
  lead->clear_routing_rule();
  lead->clear_opportunity();
  lead->clear_disqualify_reason();
  lead->set_state(v1::LEAD_STATE_OPEN);
}

const ResourceKind<v1::LeadScoringRule>& ScoringRules() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::LeadScoringRule>;
    k->table = &LeadScoringRuleTable();
    k->field = "lead_scoring_rule";
    k->validate = ValidateLeadScoringRule;
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::LeadRoutingRule>& RoutingRules() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::LeadRoutingRule>;
    k->table = &LeadRoutingRuleTable();
    k->field = "lead_routing_rule";
    k->validate = ValidateLeadRoutingRule;
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& LeadFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"state", api::FieldType::kEnum, "state", api::EnumFilterValues(v1::LeadState_descriptor())},
      {"level", api::FieldType::kEnum, "level", api::EnumFilterValues(v1::LeadLevel_descriptor())},
      {"source", api::FieldType::kEnum, "source",
       api::EnumFilterValues(v1::LeadSource_descriptor())},
      {"campaign", api::FieldType::kString, "campaign", {}},
      {"assignee", api::FieldType::kString, "assignee", {}},
      {"country_code", api::FieldType::kString, "country_code", {}},
      {"score", api::FieldType::kInt, "score", {}},
      // Stored in lower case: compared without regard to case.
      {"email", api::FieldType::kString, "email = lower(?)", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& LeadOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{{"create_time", "create_time", true},
                                                               {"score", "score", true}};
  return *fields;
}

absl::Status RequireWorkable(const v1::Lead& lead) {
  if (lead.state() == v1::LEAD_STATE_OPEN || lead.state() == v1::LEAD_STATE_QUALIFIED) {
    return absl::OkStatus();
  }
  if (lead.state() == v1::LEAD_STATE_CONVERTED) {
    return FailedPrecondition(
        "LEAD_STATE", lead.name(),
        absl::StrCat("was converted into ", lead.opportunity(), "; it no longer changes"));
  }
  return FailedPrecondition("LEAD_STATE", lead.name(), "is disqualified; it no longer changes");
}

absl::Status CheckAccount(partners::PartnersClient& partners, absl::Time deadline,
                          const std::string& field, std::string* account) {
  return partners::ResolvePartnerRefs(
      partners, deadline, {{account, field, partners::PartnerNeed::kExists}}, {}, nullptr);
}

// Leads as captured and updated: the account checked with partners before
// the write; in it, scored by the rules of the moment, and checked against
// the other leads (and, on update, to be still workable).
ResourceKind<v1::Lead> LeadWrites(partners::PartnersClient& partners) {
  ResourceKind<v1::Lead> kind = Leads();
  kind.update_rules = LeadUpdateRules();
  kind.validate = ValidateLead;
  kind.check_peers = [&partners](const CallContext& call, const v1::Lead& named,
                                 v1::Lead* sent) -> absl::Status {
    if (named.account().empty()) return absl::OkStatus();
    Violations account;
    validation::CheckOptionalReference(named.account(), "partners", "lead.account", &account);
    if (!account.empty()) return account.ToStatus();
    return CheckAccount(partners, call.deadline, "lead.account", sent->mutable_account());
  };
  kind.complete = [](db::Connection& c, const v1::Lead&, v1::Lead* after) {
    ScoreLead(LoadScoringRules(c), after);
  };
  kind.check_stored = [](db::Connection& c, const v1::Lead* before,
                         const v1::Lead& after) -> absl::Status {
    if (before == nullptr) return CheckLeadStored(c, after, "");
    if (absl::Status s = RequireWorkable(*before); !s.ok()) return s;
    return CheckLeadStored(c, after, IdOf(after.name()));
  };
  return kind;
}

// The prospect a lead without an account becomes in partners.
partners::v1::CreatePartnerRequest ProspectFor(const v1::Lead& lead) {
  partners::v1::CreatePartnerRequest request;
  partners::v1::Partner& partner = *request.mutable_partner();
  const v1::LeadContact& contact = lead.contact();
  if (!contact.company_name().empty()) {
    partner.set_category(partners::v1::PARTNER_CATEGORY_ORGANIZATION);
    partner.mutable_organization()->set_legal_name(contact.company_name());
    partner.mutable_organization()->set_industry_code(lead.industry_code());
  } else {
    partner.set_category(partners::v1::PARTNER_CATEGORY_PERSON);
    partner.mutable_person()->set_given_name(contact.given_name());
    partner.mutable_person()->set_family_name(contact.family_name());
  }
  if (!contact.email().empty()) partner.add_email_addresses()->set_address(contact.email());
  if (!contact.phone().empty()) partner.add_phone_numbers()->set_number(contact.phone());
  partner.add_roles()->set_type(partners::v1::ROLE_TYPE_PROSPECT);
  // Derived from the lead, so that a retry of the conversion finds the
  // prospect created before instead of creating a second.
  request.set_request_id(absl::StrCat("marketing-lead-", IdOf(lead.name()), "-account"));
  return request;
}

// The first sales stage not retired.
absl::StatusOr<std::string> FirstSalesStage(sales::SalesClient& sales, absl::Time deadline) {
  sales::v1::ListSalesStagesRequest request;
  request.set_page_size(1000);
  absl::StatusOr<sales::v1::ListSalesStagesResponse> stages =
      sales.ListSalesStages(request, deadline);
  if (!stages.ok()) return client::PeerFailure(stages.status(), "sales", "read the sales stages");
  for (const sales::v1::SalesStage& stage : stages->sales_stages()) {
    if (!stage.retired()) return stage.name();
  }
  return FailedPrecondition("NO_SALES_STAGE", "salesStages",
                            "sales has no active sales stage for a new opportunity");
}

}  // namespace

grpc::ServerUnaryReactor* LeadService::CreateLead(grpc::CallbackServerContext* context,
                                                  const v1::CreateLeadRequest* request,
                                                  v1::Lead* response) {
  return server::RunUnary(
      runtime_, context, "CreateLead", request, response,
      [this](const CallContext& call, const v1::CreateLeadRequest& req, v1::Lead* resp) {
        ResourceKind<v1::Lead> kind = LeadWrites(*partners_);
        kind.normalize = PrepareNewLead;
        return server::CreateResource(runtime_, call, kind, "", "",
                                      req.has_lead() ? &req.lead() : nullptr, req.request_id(), req,
                                      resp);
      });
}

grpc::ServerUnaryReactor* LeadService::GetLead(grpc::CallbackServerContext* context,
                                               const v1::GetLeadRequest* request,
                                               v1::Lead* response) {
  return server::RunUnary(
      runtime_, context, "GetLead", request, response,
      [this](const CallContext&, const v1::GetLeadRequest& req, v1::Lead* resp) {
        return server::GetResource(runtime_, Leads(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* LeadService::ListLeads(grpc::CallbackServerContext* context,
                                                 const v1::ListLeadsRequest* request,
                                                 v1::ListLeadsResponse* response) {
  return server::RunUnary(runtime_, context, "ListLeads", request, response,
                          [this](const CallContext&, const v1::ListLeadsRequest& req,
                                 v1::ListLeadsResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), req.order_by(),
                                LeadFilterFields(), LeadOrderFields(), "create_time desc");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, Leads(), *query,
                                                         resp->mutable_leads(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* LeadService::UpdateLead(grpc::CallbackServerContext* context,
                                                  const v1::UpdateLeadRequest* request,
                                                  v1::Lead* response) {
  return server::RunUnary(
      runtime_, context, "UpdateLead", request, response,
      [this](const CallContext& call, const v1::UpdateLeadRequest& req, v1::Lead* resp) {
        return server::UpdateResource(runtime_, call, LeadWrites(*partners_),
                                      req.has_lead() ? &req.lead() : nullptr, req.update_mask(),
                                      resp);
      });
}

grpc::ServerUnaryReactor* LeadService::QualifyLead(grpc::CallbackServerContext* context,
                                                   const v1::QualifyLeadRequest* request,
                                                   v1::Lead* response) {
  return server::RunUnary(
      runtime_, context, "QualifyLead", request, response,
      [this](const CallContext& call, const v1::QualifyLeadRequest& req, v1::Lead* resp) {
        return server::ChangeResource<v1::Lead>(
            runtime_, call, LeadTable(), req.name(), req.etag(),
            [](db::Connection& c, v1::Lead& lead) -> absl::Status {
              if (absl::Status s = RequireWorkable(lead); !s.ok()) return s;
              ScoreLead(LoadScoringRules(c), &lead);
              lead.set_state(lead.level() == v1::LEAD_LEVEL_COLD ? v1::LEAD_STATE_OPEN
                                                                 : v1::LEAD_STATE_QUALIFIED);
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* LeadService::AssignLead(grpc::CallbackServerContext* context,
                                                  const v1::AssignLeadRequest* request,
                                                  v1::Lead* response) {
  return server::RunUnary(
      runtime_, context, "AssignLead", request, response,
      [this](const CallContext& call, const v1::AssignLeadRequest& req,
             v1::Lead* resp) -> absl::Status {
        std::string assignee = req.assignee();
        if (!assignee.empty()) {
          Violations violations;
          validation::CheckOptionalReference(assignee, "partners", "assignee", &violations);
          if (!violations.empty()) return violations.ToStatus();
          if (absl::Status s = partners::ResolvePartnerRefs(
                  *partners_, call.deadline,
                  {{&assignee, "assignee", partners::PartnerNeed::kEmployeeOrChannelPartner}}, {},
                  nullptr);
              !s.ok()) {
            return s;
          }
        }
        return server::ChangeResource<v1::Lead>(
            runtime_, call, LeadTable(), req.name(), req.etag(),
            [&](db::Connection& c, v1::Lead& lead) -> absl::Status {
              if (absl::Status s = RequireWorkable(lead); !s.ok()) return s;
              if (!assignee.empty()) {
                lead.set_assignee(assignee);
                lead.clear_routing_rule();
                return absl::OkStatus();
              }
              const std::vector<v1::LeadRoutingRule> rules = LoadRoutingRules(c);
              const v1::LeadRoutingRule* rule = RouteLead(rules, lead);
              if (rule == nullptr) {
                return FailedPrecondition("NO_ROUTING_RULE", lead.name(),
                                          "matches no routing rule; name the assignee");
              }
              lead.set_assignee(rule->assignee());
              lead.set_routing_rule(rule->name());
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* LeadService::DisqualifyLead(grpc::CallbackServerContext* context,
                                                      const v1::DisqualifyLeadRequest* request,
                                                      v1::Lead* response) {
  return server::RunUnary(runtime_, context, "DisqualifyLead", request, response,
                          [this](const CallContext& call, const v1::DisqualifyLeadRequest& req,
                                 v1::Lead* resp) -> absl::Status {
                            Violations violations;
                            validation::CheckRequiredText(req.reason(), 500, "reason", &violations);
                            if (!violations.empty()) return violations.ToStatus();
                            return server::ChangeResource<v1::Lead>(
                                runtime_, call, LeadTable(), req.name(), req.etag(),
                                [&](db::Connection&, v1::Lead& lead) -> absl::Status {
                                  if (absl::Status s = RequireWorkable(lead); !s.ok()) return s;
                                  lead.set_state(v1::LEAD_STATE_DISQUALIFIED);
                                  lead.set_disqualify_reason(req.reason());
                                  return absl::OkStatus();
                                },
                                resp);
                          });
}

grpc::ServerUnaryReactor* LeadService::ConvertLead(grpc::CallbackServerContext* context,
                                                   const v1::ConvertLeadRequest* request,
                                                   v1::Lead* response) {
  return server::RunUnary(
      runtime_, context, "ConvertLead", request, response,
      [this](const CallContext& call, const v1::ConvertLeadRequest& req,
             v1::Lead* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.name(), LeadTable().collection(), "name");
        violations.AddAll(id.status());
        if (validation::CheckRequiredDate(req.close_date(), "close_date", &violations) &&
            api::CompareDates(req.close_date(), api::UtcDate(call.now)) < 0) {
          violations.Add("close_date", absl::StrCat("must not be in the past (today is ",
                                                    api::IsoDate(api::UtcDate(call.now)), ")"));
        }
        validation::CheckOptionalReference(req.owner(), "partners", "owner", &violations);
        money::CheckMoney(req.expected_revenue(), "expected_revenue", false, false, "",
                          &violations);
        validation::CheckText(req.display_name(), 200, "display_name", &violations);
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();

        // The lead as it is now; checked again in the final write.
        v1::Lead lead;
        int64_t revision = 0;
        if (absl::Status s = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
              auto stored = LeadTable().Load<v1::Lead>(c, *id);
              if (!stored) return NotFound(req.name());
              lead = std::move(stored->resource);
              revision = stored->revision;
              return absl::OkStatus();
            });
            !s.ok()) {
          return s;
        }
        if (absl::Status s = api::CheckEtag(req.etag(), revision, req.name()); !s.ok()) return s;
        if (lead.state() == v1::LEAD_STATE_CONVERTED) {
          return FailedPrecondition("ALREADY_CONVERTED", lead.name(),
                                    absl::StrCat("was converted into ", lead.opportunity()));
        }
        if (lead.state() != v1::LEAD_STATE_QUALIFIED) {
          return FailedPrecondition("LEAD_STATE", lead.name(),
                                    "only a qualified lead can be converted; qualify it first");
        }
        if (!req.has_expected_revenue() && !lead.has_estimated_value()) {
          return InvalidField("expected_revenue",
                              "is required: the lead has no estimated value to default to");
        }
        std::string owner = req.owner().empty() ? lead.assignee() : req.owner();
        if (owner.empty()) {
          return InvalidField("owner", "is required: the lead has no assignee to default to");
        }
        if (absl::Status s = partners::ResolvePartnerRefs(
                *partners_, call.deadline, {{&owner, "owner", partners::PartnerNeed::kEmployee}},
                {}, nullptr);
            !s.ok()) {
          return s;
        }
        std::string account = lead.account();
        if (account.empty()) {
          absl::StatusOr<partners::v1::Partner> prospect =
              partners_->CreatePartner(ProspectFor(lead), call.deadline);
          if (!prospect.ok()) {
            return client::PeerFailure(prospect.status(), "partners", "create the lead's prospect");
          }
          account = prospect->name();
        }
        absl::StatusOr<std::string> stage = FirstSalesStage(*sales_, call.deadline);
        if (!stage.ok()) return stage.status();

        sales::v1::CreateOpportunityRequest create;
        sales::v1::Opportunity& opportunity = *create.mutable_opportunity();
        opportunity.set_display_name(req.display_name().empty() ? lead.display_name()
                                                                : req.display_name());
        opportunity.set_account(account);
        opportunity.set_owner(owner);
        opportunity.set_stage(*stage);
        *opportunity.mutable_close_date() = req.close_date();
        if (req.has_expected_revenue()) {
          *opportunity.mutable_expected_revenue() = req.expected_revenue();
        } else if (lead.has_estimated_value()) {
          *opportunity.mutable_expected_revenue() = lead.estimated_value();
        }
        opportunity.set_source_campaign(lead.campaign());
        opportunity.set_source_lead(lead.name());
        opportunity.set_product_group(lead.product_group());
        create.set_request_id(absl::StrCat("marketing-lead-", *id, "-opportunity"));
        absl::StatusOr<sales::v1::Opportunity> created =
            sales_->CreateOpportunity(create, call.deadline);
        if (!created.ok()) {
          return client::PeerFailure(created.status(), "sales", "create the opportunity");
        }

        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                auto stored = LeadTable().Load<v1::Lead>(c, *id);
                if (!stored) return NotFound(req.name());
                v1::Lead& now = stored->resource;
                // A concurrent conversion of the same lead got the same
                // opportunity from sales (same request id): nothing to add.
                if (now.state() == v1::LEAD_STATE_CONVERTED &&
                    now.opportunity() == created->name()) {
                  *resp = now;
                  return absl::OkStatus();
                }
                if (stored->revision != revision) {
                  return absl::AbortedError(absl::StrCat(
                      req.name(), " changed while it was being converted; ", created->name(),
                      " was created for it: convert it again to link them"));
                }
                now.set_account(account);
                now.set_opportunity(created->name());
                now.set_state(v1::LEAD_STATE_CONVERTED);
                server::ReplaceResource(c, call, LeadTable(), *id, &stored->revision, &now,
                                        req.request_id());
                *resp = now;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerBidiReactor<v1::ImportLeadsRequest, v1::ImportLeadsResponse>* LeadService::ImportLeads(
    grpc::CallbackServerContext* context) {
  return StartLeadImport(runtime_, context);
}

grpc::ServerUnaryReactor* LeadService::CreateLeadScoringRule(
    grpc::CallbackServerContext* context, const v1::CreateLeadScoringRuleRequest* request,
    v1::LeadScoringRule* response) {
  return server::RunUnary(
      runtime_, context, "CreateLeadScoringRule", request, response,
      [this](const CallContext& call, const v1::CreateLeadScoringRuleRequest& req,
             v1::LeadScoringRule* resp) {
        return server::CreateResource(
            runtime_, call, ScoringRules(), "", "",
            req.has_lead_scoring_rule() ? &req.lead_scoring_rule() : nullptr, req.request_id(), req,
            resp);
      });
}

grpc::ServerUnaryReactor* LeadService::GetLeadScoringRule(
    grpc::CallbackServerContext* context, const v1::GetLeadScoringRuleRequest* request,
    v1::LeadScoringRule* response) {
  return server::RunUnary(runtime_, context, "GetLeadScoringRule", request, response,
                          [this](const CallContext&, const v1::GetLeadScoringRuleRequest& req,
                                 v1::LeadScoringRule* resp) {
                            return server::GetResource(runtime_, ScoringRules(), req.name(), resp);
                          });
}

grpc::ServerUnaryReactor* LeadService::ListLeadScoringRules(
    grpc::CallbackServerContext* context, const v1::ListLeadScoringRulesRequest* request,
    v1::ListLeadScoringRulesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListLeadScoringRules", request, response,
      [this](const CallContext&, const v1::ListLeadScoringRulesRequest& req,
             v1::ListLeadScoringRulesResponse* resp) {
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order = api::OrderBy{{{"create_time", false, true}, {"id", false, false}}};
        return server::ListResources(runtime_, ScoringRules(), query,
                                     resp->mutable_lead_scoring_rules(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* LeadService::UpdateLeadScoringRule(
    grpc::CallbackServerContext* context, const v1::UpdateLeadScoringRuleRequest* request,
    v1::LeadScoringRule* response) {
  return server::RunUnary(
      runtime_, context, "UpdateLeadScoringRule", request, response,
      [this](const CallContext& call, const v1::UpdateLeadScoringRuleRequest& req,
             v1::LeadScoringRule* resp) {
        return server::UpdateResource(
            runtime_, call, ScoringRules(),
            req.has_lead_scoring_rule() ? &req.lead_scoring_rule() : nullptr, req.update_mask(),
            resp);
      });
}

grpc::ServerUnaryReactor* LeadService::DeleteLeadScoringRule(
    grpc::CallbackServerContext* context, const v1::DeleteLeadScoringRuleRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteLeadScoringRule", request, response,
      [this](const CallContext& call, const v1::DeleteLeadScoringRuleRequest& req,
             google::protobuf::Empty*) {
        return server::DeleteResource(runtime_, call, ScoringRules(), req.name(), req.etag());
      });
}

grpc::ServerUnaryReactor* LeadService::CreateLeadRoutingRule(
    grpc::CallbackServerContext* context, const v1::CreateLeadRoutingRuleRequest* request,
    v1::LeadRoutingRule* response) {
  return server::RunUnary(
      runtime_, context, "CreateLeadRoutingRule", request, response,
      [this](const CallContext& call, const v1::CreateLeadRoutingRuleRequest& req,
             v1::LeadRoutingRule* resp) -> absl::Status {
        v1::LeadRoutingRule rule = req.lead_routing_rule();
        if (req.has_lead_routing_rule()) {
          Violations violations;
          ValidateLeadRoutingRule(rule, "lead_routing_rule", &violations);
          if (!violations.empty()) return violations.ToStatus();
          if (absl::Status s = partners::ResolvePartnerRefs(
                  *partners_, call.deadline,
                  {{rule.mutable_assignee(), "lead_routing_rule.assignee",
                    partners::PartnerNeed::kEmployeeOrChannelPartner}},
                  {}, nullptr);
              !s.ok()) {
            return s;
          }
        }
        return server::CreateResource(runtime_, call, RoutingRules(), "", "",
                                      req.has_lead_routing_rule() ? &rule : nullptr,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* LeadService::GetLeadRoutingRule(
    grpc::CallbackServerContext* context, const v1::GetLeadRoutingRuleRequest* request,
    v1::LeadRoutingRule* response) {
  return server::RunUnary(runtime_, context, "GetLeadRoutingRule", request, response,
                          [this](const CallContext&, const v1::GetLeadRoutingRuleRequest& req,
                                 v1::LeadRoutingRule* resp) {
                            return server::GetResource(runtime_, RoutingRules(), req.name(), resp);
                          });
}

grpc::ServerUnaryReactor* LeadService::ListLeadRoutingRules(
    grpc::CallbackServerContext* context, const v1::ListLeadRoutingRulesRequest* request,
    v1::ListLeadRoutingRulesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListLeadRoutingRules", request, response,
      [this](const CallContext&, const v1::ListLeadRoutingRulesRequest& req,
             v1::ListLeadRoutingRulesResponse* resp) {
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order = api::OrderBy{{{"priority", false, true}, {"id", false, false}}};
        return server::ListResources(runtime_, RoutingRules(), query,
                                     resp->mutable_lead_routing_rules(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* LeadService::UpdateLeadRoutingRule(
    grpc::CallbackServerContext* context, const v1::UpdateLeadRoutingRuleRequest* request,
    v1::LeadRoutingRule* response) {
  return server::RunUnary(
      runtime_, context, "UpdateLeadRoutingRule", request, response,
      [this](const CallContext& call, const v1::UpdateLeadRoutingRuleRequest& req,
             v1::LeadRoutingRule* resp) {
        server::ResourceKind<v1::LeadRoutingRule> kind = RoutingRules();
        // A new assignee is checked with partners before the write.
        kind.check_peers = [this](const CallContext& call, const v1::LeadRoutingRule& named,
                                  v1::LeadRoutingRule* sent) -> absl::Status {
          if (named.assignee().empty()) return absl::OkStatus();
          Violations violations;
          validation::CheckOptionalReference(named.assignee(), "partners",
                                             "lead_routing_rule.assignee", &violations);
          if (!violations.empty()) return violations.ToStatus();
          return partners::ResolvePartnerRefs(
              *partners_, call.deadline,
              {{sent->mutable_assignee(), "lead_routing_rule.assignee",
                partners::PartnerNeed::kEmployeeOrChannelPartner}},
              {}, nullptr);
        };
        return server::UpdateResource(
            runtime_, call, kind, req.has_lead_routing_rule() ? &req.lead_routing_rule() : nullptr,
            req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* LeadService::DeleteLeadRoutingRule(
    grpc::CallbackServerContext* context, const v1::DeleteLeadRoutingRuleRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteLeadRoutingRule", request, response,
      [this](const CallContext& call, const v1::DeleteLeadRoutingRuleRequest& req,
             google::protobuf::Empty*) {
        return server::DeleteResource(runtime_, call, RoutingRules(), req.name(), req.etag());
      });
}

}  // namespace crm::marketing
