// Rules about price lists and condition records, without storage.
// Violations name fields under `path`.
#ifndef CRM_SERVICES_SALES_PRICING_VALIDATION_H_
#define CRM_SERVICES_SALES_PRICING_VALIDATION_H_

#include <string>

#include "common/errors.h"
#include "crm/sales/v1/pricing.pb.h"

namespace crm::sales {

inline constexpr int kMaxPriceListEntries = 1000;
inline constexpr int kMaxScaleLevels = 20;
inline constexpr int kMinPriority = -1000;
inline constexpr int kMaxPriority = 1000;

void ValidatePriceList(const v1::PriceList& list, const std::string& path, Violations* out);

void ValidatePriceCondition(const v1::PriceCondition& condition, const std::string& path,
                            Violations* out);

// Whether the type takes a percentage (else an amount).
bool IsPercentType(v1::ConditionType type);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_PRICING_VALIDATION_H_
