// The rules of field service that need no storage: validation of
// technicians, spare parts, service orders and confirmations; which skills
// an order needs and whether a technician has them and is free; the
// expected completion date; and what a confirmation costs and what the
// warranty covers.
#ifndef CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_RULES_H_
#define CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_RULES_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/money/money.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "crm/servicedesk/v1/service_order.pb.h"

namespace crm::servicedesk {

void ValidateTechnician(const v1::Technician& technician, const std::string& path, Violations* out);
void ValidateSparePart(const v1::SparePart& part, const std::string& path, Violations* out);
void ValidateServiceOrder(const v1::ServiceOrder& order, const std::string& path, Violations* out);
// The confirmation's own checks; that its items are the order's is checked
// with the order (CheckConfirmationItems).
void ValidateConfirmation(const v1::ServiceConfirmation& confirmation, const std::string& path,
                          Violations* out);
// Each time entry names a labour item of `order` (INVALID_ARGUMENT naming
// the entry's item_id otherwise).
void CheckConfirmationItems(const v1::ServiceConfirmation& confirmation,
                            const v1::ServiceOrder& order, const std::string& path,
                            Violations* out);

// The skills the order's labour items need.
std::set<std::string> SkillsNeeded(const v1::ServiceOrder& order);
// Those of `needed` the technician lacks.
std::vector<std::string> MissingSkills(const v1::Technician& technician,
                                       const std::set<std::string>& needed);
bool IsAway(const v1::Technician& technician, const google::type::Date& day);

// Sets the order's parts status and expected completion date from its
// missing parts and planned date.
void SetExpectedCompletion(v1::ServiceOrder* order);

// What the customer is told on the order's ticket about its parts.
std::string PartsNoteText(const v1::ServiceOrder& order,
                          const std::map<std::string, std::string>& part_names);

// Fills the confirmation's amounts: labour from the order's hourly rates,
// material from `unit_prices` (by spare part name, in the order's
// currency), and what `entitlement` (the component's warranties on the work
// day) covers.
void ComputeConfirmationAmounts(const v1::ServiceOrder& order,
                                const std::map<std::string, money::Nanos>& unit_prices,
                                const v1::Entitlement& entitlement,
                                v1::ServiceConfirmation* confirmation);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_RULES_H_
