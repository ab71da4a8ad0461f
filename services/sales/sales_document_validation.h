// Rules about quotations and sales orders, without storage or partners.
// Violations name fields under `path`.
#ifndef CRM_SERVICES_SALES_SALES_DOCUMENT_VALIDATION_H_
#define CRM_SERVICES_SALES_SALES_DOCUMENT_VALIDATION_H_

#include <string>
#include <vector>

#include "common/errors.h"
#include "crm/sales/v1/sales_document.pb.h"
#include "google/type/date.pb.h"
#include "services/sales/pricing_store.h"

namespace crm::sales {

inline constexpr int kMaxDocumentItems = 500;

// The items' products and quantities, for pricing; violations for the bad
// ones under `path` ("quotation.items").
std::vector<ItemQuantity> CheckDocumentItems(
    const google::protobuf::RepeatedPtrField<v1::DocumentItem>& items, const std::string& path,
    Violations* out);

// Everything a client sets on a quotation. `today` bounds valid_until.
void ValidateQuotation(const v1::Quotation& quotation, const std::string& path,
                       const google::type::Date& today, Violations* out);

// Everything a client sets on a sales order.
void ValidateSalesOrder(const v1::SalesOrder& order, const std::string& path,
                        const google::type::Date& today, Violations* out);

// A delivery date: optional, a valid date, not before `today`.
void CheckDeliveryDate(const google::type::Date& date, const std::string& field,
                       const google::type::Date& today, Violations* out);

// A required reason (for a rejection or cancellation) in field "reason".
absl::Status CheckReason(const std::string& reason);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_SALES_DOCUMENT_VALIDATION_H_
