// Territory assignment with what the sales database holds: the
// territories, and each account's assignment with the facts it was made
// from. The territory service, opportunities and documents assign through
// it, so an account is placed by the same rules wherever it is first met.
#ifndef CRM_SERVICES_SALES_TERRITORY_STORE_H_
#define CRM_SERVICES_SALES_TERRITORY_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "common/db/database.h"
#include "common/server/runtime.h"
#include "crm/sales/v1/territory.pb.h"

namespace crm::sales {

std::vector<v1::Territory> LoadTerritories(db::Connection& c);

// Assigns `account` ("partners/{id}") from `facts` by the rules of
// `territories`, storing the assignment (and a change on the feed) when it
// is new or differs.
v1::TerritoryAssignment AssignAccountInWrite(db::Connection& c, const server::CallContext& call,
                                             const std::string& account,
                                             const v1::AccountFacts& facts,
                                             const std::vector<v1::Territory>& territories);

// The stored assignment of `account`, if it was ever assigned.
std::optional<v1::TerritoryAssignment> StoredAssignment(db::Connection& c,
                                                        const std::string& account);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_TERRITORY_STORE_H_
