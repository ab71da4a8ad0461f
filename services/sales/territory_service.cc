#include "services/sales/territory_service.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "services/partners/client/partner_refs.h"
#include "services/sales/schema.h"
#include "services/sales/territory_rules.h"
#include "services/sales/territory_store.h"

namespace crm::sales {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr char kTerritory[] = "territory";
// Accounts re-assigned per write transaction, so that other writers are
// not held up for long by a large re-assignment.
constexpr int kReassignBatch = 500;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

// The parent must exist, and the territory must not end up among its own
// ancestors.
absl::Status CheckParent(db::Connection& c, const v1::Territory& territory) {
  std::set<std::string> seen = {territory.name()};
  std::string parent = territory.parent();
  while (!parent.empty()) {
    if (!seen.insert(parent).second) {
      return InvalidField("territory.parent",
                          absl::StrCat(territory.parent(), " is ", territory.name(),
                                       " or lies below it; a territory cannot be its own parent"));
    }
    auto stored = TerritoryTable().Load<v1::Territory>(c, IdOf(parent));
    if (!stored) return NotFound(parent);
    parent = stored->resource.parent();
  }
  return absl::OkStatus();
}

const ResourceKind<v1::Territory>& Territories() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Territory>;
    k->table = &TerritoryTable();
    k->field = kTerritory;
    k->validate = ValidateTerritory;
    k->check_stored = [](db::Connection& c, const v1::Territory*,
                         const v1::Territory& after) { return CheckParent(c, after); };
    k->check_delete = [](db::Connection& c, const v1::Territory& territory) -> absl::Status {
      if (c.QueryInt64("SELECT count(*) FROM territories WHERE parent = ?1",
                       {territory.name()}) > 0) {
        return FailedPrecondition("HAS_CHILDREN", territory.name(),
                                  "has sub-territories; delete or move them first");
      }
      if (c.QueryInt64("SELECT count(*) FROM territory_assignments WHERE territory = ?1",
                       {territory.name()}) > 0 ||
          c.QueryInt64("SELECT count(*) FROM opportunities WHERE territory = ?1 AND state = ?2",
                       {territory.name(), int64_t{v1::OPPORTUNITY_STATE_OPEN}}) > 0) {
        return FailedPrecondition(
            "IN_USE", territory.name(),
            "accounts or open opportunities are assigned to it; change its rules and call "
            "ReassignAccounts first");
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::TerritoryAssignment>& Assignments() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::TerritoryAssignment>;
    k->table = &TerritoryAssignmentTable();
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& TerritoryFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"parent", api::FieldType::kString, "parent", {}},
      {"display_name", api::FieldType::kString, "display_name", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& AssignmentFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"territory", api::FieldType::kString, "territory", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& ByIdFields() {
  static const auto* fields = new std::vector<api::OrderField>{};
  return *fields;
}

bool MaskNames(const google::protobuf::FieldMask& mask, const std::string& field) {
  for (const std::string& path : mask.paths()) {
    if (path == "*" || path == field) return true;
  }
  return false;
}

}  // namespace

absl::Status TerritoryService::CheckSalesReps(const CallContext& call, v1::Territory* territory,
                                              const partners::CheckedPartners& checked) {
  std::vector<partners::PartnerRef> refs;
  for (int i = 0; i < territory->sales_reps_size(); ++i) {
    refs.push_back({territory->mutable_sales_reps(i),
                    validation::Element("territory.sales_reps", i),
                    partners::PartnerNeed::kEmployee});
  }
  return partners::ResolvePartnerRefs(*partners_, call.deadline, refs, checked, nullptr);
}

grpc::ServerUnaryReactor* TerritoryService::CreateTerritory(
    grpc::CallbackServerContext* context, const v1::CreateTerritoryRequest* request,
    v1::Territory* response) {
  return server::RunUnary(
      runtime_, context, "CreateTerritory", request, response,
      [this](const CallContext& call, const v1::CreateTerritoryRequest& req,
             v1::Territory* resp) -> absl::Status {
        if (!req.has_territory()) return InvalidField(kTerritory, "is required");
        v1::Territory territory = req.territory();
        // The cheap refusals before asking partners.
        Violations violations;
        violations.AddAll(api::CheckResourceId(req.territory_id(), "territory_id"));
        ValidateTerritory(territory, kTerritory, &violations);
        if (!violations.empty()) return violations.ToStatus();
        if (absl::Status s = CheckSalesReps(call, &territory, {}); !s.ok()) return s;
        return server::CreateResource(runtime_, call, Territories(), req.territory_id(),
                                      "territory_id", &territory, "", req, resp);
      });
}

grpc::ServerUnaryReactor* TerritoryService::GetTerritory(grpc::CallbackServerContext* context,
                                                         const v1::GetTerritoryRequest* request,
                                                         v1::Territory* response) {
  return server::RunUnary(
      runtime_, context, "GetTerritory", request, response,
      [this](const CallContext&, const v1::GetTerritoryRequest& req, v1::Territory* resp) {
        return server::GetResource(runtime_, Territories(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* TerritoryService::ListTerritories(
    grpc::CallbackServerContext* context, const v1::ListTerritoriesRequest* request,
    v1::ListTerritoriesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListTerritories", request, response,
      [this](const CallContext&, const v1::ListTerritoriesRequest& req,
             v1::ListTerritoriesResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(), "",
                                      TerritoryFilterFields(), ByIdFields(), "");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Territories(), *query,
                                     resp->mutable_territories(), resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* TerritoryService::UpdateTerritory(
    grpc::CallbackServerContext* context, const v1::UpdateTerritoryRequest* request,
    v1::Territory* response) {
  return server::RunUnary(
      runtime_, context, "UpdateTerritory", request, response,
      [this](const CallContext& call, const v1::UpdateTerritoryRequest& req,
             v1::Territory* resp) -> absl::Status {
        if (!req.has_territory()) return InvalidField(kTerritory, "is required");
        v1::Territory sent = req.territory();
        if (MaskNames(req.update_mask(), "sales_reps")) {
          // Only the reps are checked here (the rest once the mask is
          // applied to what is stored), so that partners is asked about
          // well-formed names only.
          v1::Territory reps_only;
          reps_only.set_display_name("-");
          *reps_only.mutable_sales_reps() = sent.sales_reps();
          Violations violations;
          ValidateTerritory(reps_only, kTerritory, &violations);
          if (!violations.empty()) return violations.ToStatus();
          // Reps already stored were checked when they were named.
          partners::CheckedPartners checked;
          if (absl::StatusOr<std::string> id = api::ParseResourceName(
                  sent.name(), TerritoryTable().collection(), "territory.name");
              id.ok()) {
            if (absl::Status s = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
                  if (auto stored = TerritoryTable().Load<v1::Territory>(c, *id)) {
                    for (const std::string& rep : stored->resource.sales_reps()) {
                      checked.insert({rep, partners::PartnerNeed::kEmployee});
                    }
                  }
                  return absl::OkStatus();
                });
                !s.ok()) {
              return s;
            }
          }
          if (absl::Status s = CheckSalesReps(call, &sent, checked); !s.ok()) return s;
        }
        return server::UpdateResource(runtime_, call, Territories(), &sent, req.update_mask(),
                                      resp);
      });
}

grpc::ServerUnaryReactor* TerritoryService::DeleteTerritory(
    grpc::CallbackServerContext* context, const v1::DeleteTerritoryRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteTerritory", request, response,
                          [this](const CallContext& call, const v1::DeleteTerritoryRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, Territories(),
                                                          req.name(), req.etag());
                          });
}

grpc::ServerUnaryReactor* TerritoryService::AssignAccount(grpc::CallbackServerContext* context,
                                                          const v1::AssignAccountRequest* request,
                                                          v1::TerritoryAssignment* response) {
  return server::RunUnary(
      runtime_, context, "AssignAccount", request, response,
      [this](const CallContext& call, const v1::AssignAccountRequest& req,
             v1::TerritoryAssignment* resp) -> absl::Status {
        if (req.account().empty()) return InvalidField("account", "is required");
        if (absl::Status s = api::ParseResourceName(req.account(), "partners", "account").status();
            !s.ok()) {
          return s;
        }
        absl::StatusOr<partners::v1::Partner> account =
            partners_->ResolvePartner(req.account(), call.deadline);
        if (!account.ok()) return account.status();
        const v1::AccountFacts facts = AccountFactsOf(*account);
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          *resp = AssignAccountInWrite(c, call, account->name(), facts, LoadTerritories(c));
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* TerritoryService::GetTerritoryAssignment(
    grpc::CallbackServerContext* context, const v1::GetTerritoryAssignmentRequest* request,
    v1::TerritoryAssignment* response) {
  return server::RunUnary(runtime_, context, "GetTerritoryAssignment", request, response,
                          [this](const CallContext&, const v1::GetTerritoryAssignmentRequest& req,
                                 v1::TerritoryAssignment* resp) {
                            return server::GetResource(runtime_, Assignments(), req.name(), resp);
                          });
}

grpc::ServerUnaryReactor* TerritoryService::ListTerritoryAssignments(
    grpc::CallbackServerContext* context, const v1::ListTerritoryAssignmentsRequest* request,
    v1::ListTerritoryAssignmentsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListTerritoryAssignments", request, response,
      [this](const CallContext&, const v1::ListTerritoryAssignmentsRequest& req,
             v1::ListTerritoryAssignmentsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(), "",
                                      AssignmentFilterFields(), ByIdFields(), "");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Assignments(), *query,
                                     resp->mutable_territory_assignments(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* TerritoryService::ReassignAccounts(
    grpc::CallbackServerContext* context, const v1::ReassignAccountsRequest* request,
    v1::ReassignAccountsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ReassignAccounts", request, response,
      [this](const CallContext& call, const v1::ReassignAccountsRequest&,
             v1::ReassignAccountsResponse* resp) -> absl::Status {
        static const api::OrderBy by_id{{{"id", false, false}}};
        // Accounts, a batch per transaction, each re-read in its write.
        std::vector<db::SqlValue> after;
        for (bool more = true; more;) {
          if (absl::Status s = runtime_.db().Write([&](db::Connection& c) -> absl::Status {
                const std::vector<v1::Territory> territories = LoadTerritories(c);
                auto page = TerritoryAssignmentTable().List<v1::TerritoryAssignment>(
                    c, {}, by_id, after, kReassignBatch);
                for (const v1::TerritoryAssignment& a : page.resources) {
                  resp->set_accounts_evaluated(resp->accounts_evaluated() + 1);
                  const v1::TerritoryAssignment now_assigned =
                      AssignAccountInWrite(c, call, a.account(), a.facts(), territories);
                  if (now_assigned.territory() != a.territory()) {
                    resp->set_accounts_changed(resp->accounts_changed() + 1);
                  }
                }
                more = page.next_after.has_value();
                if (more) after = *page.next_after;
                return absl::OkStatus();
              });
              !s.ok()) {
            return s;
          }
        }
        // Open opportunities, with their account's stored facts.
        after.clear();
        const db::SqlFragment open{"state = ?",
                                   {int64_t{v1::OPPORTUNITY_STATE_OPEN}}};
        for (bool more = true; more;) {
          if (absl::Status s = runtime_.db().Write([&](db::Connection& c) -> absl::Status {
                const std::vector<v1::Territory> territories = LoadTerritories(c);
                auto page = OpportunityTable().List<v1::Opportunity>(c, open, by_id, after,
                                                                     kReassignBatch);
                more = page.next_after.has_value();
                if (more) after = *page.next_after;
                for (const v1::Opportunity& listed : page.resources) {
                  // Loaded again for its revision.
                  const std::string id = IdOf(listed.name());
                  auto stored = OpportunityTable().Load<v1::Opportunity>(c, id);
                  if (!stored) continue;
                  v1::Opportunity& o = stored->resource;
                  std::optional<v1::TerritoryAssignment> account =
                      StoredAssignment(c, o.account());
                  if (!account) continue;
                  resp->set_opportunities_evaluated(resp->opportunities_evaluated() + 1);
                  const std::string territory =
                      AssignTerritory(territories, account->facts(), o.product_group());
                  if (territory == o.territory()) continue;
                  resp->set_opportunities_changed(resp->opportunities_changed() + 1);
                  o.set_territory(territory);
                  server::ReplaceResource(c, call, OpportunityTable(), id, &stored->revision, &o);
                }
                return absl::OkStatus();
              });
              !s.ok()) {
            return s;
          }
        }
        return absl::OkStatus();
      });
}

}  // namespace crm::sales
