// Entitlements read inside a transaction: what the warranties and service
// contracts of a component give on a day.
#ifndef CRM_SERVICES_SERVICEDESK_ENTITLEMENT_STORE_H_
#define CRM_SERVICES_SERVICEDESK_ENTITLEMENT_STORE_H_

#include <optional>

#include "common/db/database.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "google/type/date.pb.h"

namespace crm::servicedesk {

// The entitlement of `component` on `day`.
v1::Entitlement LoadEntitlement(db::Connection& c, const v1::InstalledComponent& component,
                                const google::type::Date& day);

// The same for the component named `component_name`; nullopt when it is
// gone.
std::optional<v1::Entitlement> LoadEntitlement(db::Connection& c, const std::string& component_name,
                                               const google::type::Date& day);

// Records which components `contract` covers, for LoadEntitlement.
void IndexContractComponents(db::Connection& c, const v1::ServiceContract& contract);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_ENTITLEMENT_STORE_H_
