#include "services/servicedesk/entitlement_store.h"

#include <string>
#include <vector>

#include "common/api/paging.h"
#include "services/servicedesk/installed_base_rules.h"
#include "services/servicedesk/schema.h"

namespace crm::servicedesk {
namespace {

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

}  // namespace

v1::Entitlement LoadEntitlement(db::Connection& c, const v1::InstalledComponent& component,
                                const google::type::Date& day) {
  std::vector<v1::Warranty> warranties;
  WarrantyTable().ForEach<v1::Warranty>(
      c, {"component = ?", {component.name()}},
      api::OrderBy{{{"start_date", false, false}, {"id", false, false}}},
      [&](const v1::Warranty& warranty) { warranties.push_back(warranty); });
  std::vector<v1::ServiceContract> contracts;
  ServiceContractTable().ForEach<v1::ServiceContract>(
      c,
      {"id IN (SELECT contract_id FROM contract_components WHERE component = ?)",
       {component.name()}},
      api::OrderBy{{{"create_time", false, true}, {"id", false, false}}},
      [&](const v1::ServiceContract& contract) { contracts.push_back(contract); });
  return EntitlementOn(component, warranties, contracts, day);
}

std::optional<v1::Entitlement> LoadEntitlement(db::Connection& c, const std::string& component_name,
                                               const google::type::Date& day) {
  if (component_name.empty()) return std::nullopt;
  auto component = InstalledComponentTable().Load<v1::InstalledComponent>(c, IdOf(component_name));
  if (!component) return std::nullopt;
  return LoadEntitlement(c, component->resource, day);
}

void IndexContractComponents(db::Connection& c, const v1::ServiceContract& contract) {
  const std::string id = IdOf(contract.name());
  c.Run("DELETE FROM contract_components WHERE contract_id = ?1", {id});
  for (const std::string& component : contract.components()) {
    c.Run("INSERT INTO contract_components (component, contract_id) VALUES (?1, ?2)",
          {component, id});
  }
}

}  // namespace crm::servicedesk
