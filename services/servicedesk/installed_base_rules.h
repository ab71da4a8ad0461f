// The rules of the installed base and warranties that need no storage.
#ifndef CRM_SERVICES_SERVICEDESK_INSTALLED_BASE_RULES_H_
#define CRM_SERVICES_SERVICEDESK_INSTALLED_BASE_RULES_H_

#include <string>
#include <vector>

#include "common/errors.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "google/type/date.pb.h"

namespace crm::servicedesk {

void ValidateComponent(const v1::InstalledComponent& component, const std::string& path,
                       Violations* out);
void ValidateWarranty(const v1::Warranty& warranty, const std::string& path, Violations* out);

void ValidateServiceContract(const v1::ServiceContract& contract, const std::string& path,
                             Violations* out);

// What `warranties` and service `contracts` of `component` give on `day`.
v1::Entitlement EntitlementOn(const v1::InstalledComponent& component,
                              const std::vector<v1::Warranty>& warranties,
                              const std::vector<v1::ServiceContract>& contracts,
                              const google::type::Date& day);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_INSTALLED_BASE_RULES_H_
