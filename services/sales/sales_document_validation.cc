#include "services/sales/sales_document_validation.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/money/money.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::sales {
namespace {

using validation::Child;
using validation::Element;

constexpr money::Scaled kMaxQuantity = 1'000'000'000 * money::kScale;

void CheckReference(const std::string& name, absl::string_view collection, bool required,
                    const std::string& field, Violations* out) {
  if (name.empty()) {
    if (required) out->Add(field, "is required");
    return;
  }
  out->AddAll(api::ParseResourceName(name, collection, field).status());
}

void CheckCurrency(const std::string& code, const std::string& field, Violations* out) {
  if (!code.empty() && !money::IsCurrencyCode(code)) {
    out->Add(field, "must be an ISO 4217 code of three upper-case letters, e.g. \"EUR\"");
  }
}

}  // namespace

std::vector<ItemQuantity> CheckDocumentItems(
    const google::protobuf::RepeatedPtrField<v1::DocumentItem>& items, const std::string& path,
    Violations* out) {
  std::vector<ItemQuantity> checked;
  if (items.empty()) {
    out->Add(path, "must hold at least one item");
    return checked;
  }
  if (!validation::CheckMaxEntries(items.size(), kMaxDocumentItems, path, out)) return checked;
  for (int i = 0; i < items.size(); ++i) {
    const std::string at = Element(path, i);
    std::string id;
    if (items[i].product().empty()) {
      out->Add(Child(at, "product"), "is required");
    } else if (absl::StatusOr<std::string> parsed =
                   api::ParseResourceName(items[i].product(), "products", Child(at, "product"));
               !parsed.ok()) {
      out->AddAll(parsed.status());
    } else {
      id = *parsed;
    }
    const std::optional<money::Scaled> quantity = money::CheckDecimal(
        items[i].quantity(), 3, 0, true, kMaxQuantity, Child(at, "quantity"), out);
    checked.emplace_back(id, quantity.value_or(0));
  }
  return checked;
}

void CheckDeliveryDate(const google::type::Date& date, const std::string& field,
                       const google::type::Date& today, Violations* out) {
  if (!api::IsDateSet(date)) return;
  if (!validation::IsValidDate(date)) {
    out->Add(field, "must be a full, valid date");
  } else if (api::CompareDates(date, today) < 0) {
    out->Add(field, absl::StrCat("must not be in the past (today is ", api::IsoDate(today),
                                 " UTC)"));
  }
}

absl::Status CheckReason(const std::string& reason) {
  Violations violations;
  validation::CheckRequiredText(reason, 1000, "reason", &violations);
  return violations.ToStatus();
}

void ValidateQuotation(const v1::Quotation& quotation, const std::string& path,
                       const google::type::Date& today, Violations* out) {
  CheckReference(quotation.customer(), "partners", true, Child(path, "customer"), out);
  CheckReference(quotation.opportunity(), "opportunities", false, Child(path, "opportunity"), out);
  CheckReference(quotation.campaign(), "campaigns", false, Child(path, "campaign"), out);
  CheckCurrency(quotation.currency_code(), Child(path, "currency_code"), out);
  const std::string valid_until = Child(path, "valid_until");
  if (!api::IsDateSet(quotation.valid_until())) {
    out->Add(valid_until, "is required");
  } else {
    CheckDeliveryDate(quotation.valid_until(), valid_until, today, out);
  }
  CheckDocumentItems(quotation.items(), Child(path, "items"), out);
}

void ValidateSalesOrder(const v1::SalesOrder& order, const std::string& path,
                        const google::type::Date& today, Violations* out) {
  CheckReference(order.customer(), "partners", true, Child(path, "customer"), out);
  CheckReference(order.opportunity(), "opportunities", false, Child(path, "opportunity"), out);
  CheckReference(order.campaign(), "campaigns", false, Child(path, "campaign"), out);
  CheckReference(order.sales_rep(), "partners", false, Child(path, "sales_rep"), out);
  CheckCurrency(order.currency_code(), Child(path, "currency_code"), out);
  CheckDeliveryDate(order.requested_delivery_date(), Child(path, "requested_delivery_date"), today,
                    out);
  CheckDocumentItems(order.items(), Child(path, "items"), out);
}

}  // namespace crm::sales
