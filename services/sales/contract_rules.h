// Rules about contracts and the release orders against them, without
// storage or partners. Violations name fields under `path`.
#ifndef CRM_SERVICES_SALES_CONTRACT_RULES_H_
#define CRM_SERVICES_SALES_CONTRACT_RULES_H_

#include <string>

#include "common/errors.h"
#include "absl/status/status.h"
#include "crm/sales/v1/contract.pb.h"
#include "crm/sales/v1/sales_document.pb.h"
#include "google/type/date.pb.h"

namespace crm::sales {

inline constexpr int kMaxContractItems = 200;

// Everything a client sets on a contract. `valid_to` may not be before
// `today` when `new_valid_to` (on create, or when an update changes it).
void ValidateContract(const v1::Contract& contract, const std::string& path,
                      const google::type::Date& today, bool new_valid_to, Violations* out);

// Clears what the server sets.
void ClearContractOutputOnly(v1::Contract* contract);

// Whether `order` (priced, in the contract's currency) fits what is left of
// the contract: FAILED_PRECONDITION NOT_IN_CONTRACT for a product the
// contract does not list, EXCEEDS_CONTRACT for a quantity or value beyond a
// target; the subject is a path under `items_field` or "target_value".
absl::Status CheckRelease(const v1::Contract& contract, const v1::SalesOrder& order,
                          const std::string& items_field);

// Counts `order` against the contract (`sign` +1) or gives it back (-1),
// then sets the state (ACTIVE or FULFILLED; CANCELLED stays).
void CountRelease(const v1::SalesOrder& order, int sign, v1::Contract* contract);

// Nothing more can be released: the target value is reached, or every
// listed product has a target quantity and has reached it.
bool IsFulfilled(const v1::Contract& contract);

// For an update: carries the released quantities of `before` into `after`
// by product and refuses (FAILED_PRECONDITION) removing a product with
// releases or a target below what is released. Sets the state.
absl::Status CarryOverReleases(const v1::Contract& before, v1::Contract* after);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_CONTRACT_RULES_H_
