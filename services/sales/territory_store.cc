#include "services/sales/territory_store.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "common/server/resource_handlers.h"
#include "services/sales/schema.h"
#include "services/sales/territory_rules.h"

namespace crm::sales {
namespace {

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

}  // namespace

std::vector<v1::Territory> LoadTerritories(db::Connection& c) {
  static const api::OrderBy by_id{{{"id", false, false}}};
  return TerritoryTable().List<v1::Territory>(c, {}, by_id, {}, 1'000'000).resources;
}

std::optional<v1::TerritoryAssignment> StoredAssignment(db::Connection& c,
                                                        const std::string& account) {
  auto stored = TerritoryAssignmentTable().Load<v1::TerritoryAssignment>(c, IdOf(account));
  if (!stored) return std::nullopt;
  return std::move(stored->resource);
}

v1::TerritoryAssignment AssignAccountInWrite(db::Connection& c, const server::CallContext& call,
                                             const std::string& account,
                                             const v1::AccountFacts& facts,
                                             const std::vector<v1::Territory>& territories) {
  const std::string id = IdOf(account);
  const std::string territory = AssignTerritory(territories, facts, "");
  auto stored = TerritoryAssignmentTable().Load<v1::TerritoryAssignment>(c, id);
  if (stored && stored->resource.territory() == territory &&
      google::protobuf::util::MessageDifferencer::Equals(stored->resource.facts(), facts)) {
    return std::move(stored->resource);
  }
  v1::TerritoryAssignment assignment;
  assignment.set_account(account);
  assignment.set_territory(territory);
  *assignment.mutable_facts() = facts;
  if (stored) {
    assignment.set_name(stored->resource.name());
    *assignment.mutable_create_time() = stored->resource.create_time();
    server::ReplaceResource(c, call, TerritoryAssignmentTable(), id, &stored->revision,
                            &assignment);
  } else {
    server::InsertNewResource(c, call, TerritoryAssignmentTable(), id, &assignment);
  }
  return assignment;
}

}  // namespace crm::sales
