#include "services/sales/territory_store.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
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
  const auto now = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  auto stored = TerritoryAssignmentTable().Load<v1::TerritoryAssignment>(c, id);
  if (stored && stored->resource.territory() == territory &&
      google::protobuf::util::MessageDifferencer::Equals(stored->resource.facts(), facts)) {
    return std::move(stored->resource);
  }
  v1::TerritoryAssignment assignment;
  assignment.set_name(absl::StrCat(TerritoryAssignmentTable().collection(), "/", id));
  assignment.set_account(account);
  assignment.set_territory(territory);
  *assignment.mutable_facts() = facts;
  *assignment.mutable_update_time() = now;
  if (stored) {
    *assignment.mutable_create_time() = stored->resource.create_time();
    assignment.set_etag(api::EtagForRevision(stored->revision + 1));
    TerritoryAssignmentTable().Replace(c, id, assignment, stored->revision + 1);
    feed::AppendChange(c, assignment.name(), feed::v1::CHANGE_KIND_UPDATED, &assignment, call, "");
  } else {
    *assignment.mutable_create_time() = now;
    assignment.set_etag(api::EtagForRevision(1));
    TerritoryAssignmentTable().Insert(c, id, assignment);
    feed::AppendChange(c, assignment.name(), feed::v1::CHANGE_KIND_CREATED, &assignment, call, "");
  }
  return assignment;
}

}  // namespace crm::sales
