#include "services/sales/catalog_validation.h"

#include "absl/strings/ascii.h"
#include "common/api/resource.h"
#include "common/money/money.h"
#include "common/validation/field_checks.h"

namespace crm::sales {
namespace {

using validation::Child;

bool IsCode(const std::string& text, size_t max_size, absl::string_view symbols) {
  if (text.empty() || text.size() > max_size) return false;
  for (char c : text) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c) && symbols.find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace


void ValidateTaxClass(const v1::TaxClass& tax_class, const std::string& path, Violations* out) {
  validation::CheckRequiredText(tax_class.display_name(), 100, Child(path, "display_name"), out);
  money::CheckDecimal(tax_class.rate_percent(), 4, 0, false, 100 * money::kScale,
                      Child(path, "rate_percent"), out);
}

void ValidateProduct(const v1::Product& product, const std::string& path, Violations* out) {
  validation::CheckRequiredText(product.display_name(), 200, Child(path, "display_name"), out);
  validation::CheckText(product.description(), 2000, Child(path, "description"), out);
  if (product.product_group().empty()) {
    out->Add(Child(path, "product_group"), "is required");
  } else if (!IsProductGroup(product.product_group())) {
    out->Add(Child(path, "product_group"), kProductGroupForm);
  }
  if (product.unit().empty()) {
    out->Add(Child(path, "unit"), "is required");
  } else if (!IsCode(product.unit(), 10, "")) {
    out->Add(Child(path, "unit"), "must be 1 to 10 upper-case letters or digits, e.g. \"EA\"");
  }
  const bool list_price_ok =
      money::CheckMoney(product.list_price(), Child(path, "list_price"), true, false, "", out);
  money::CheckMoney(product.cost_price(), Child(path, "cost_price"), false, false,
                    list_price_ok ? product.list_price().currency_code() : "", out);
  if (product.tax_class().empty()) {
    out->Add(Child(path, "tax_class"), "is required");
  } else {
    out->AddAll(api::ParseResourceName(product.tax_class(), "taxClasses", Child(path, "tax_class"))
                    .status());
  }
  validation::CheckEnum(product.state(), v1::ProductState_IsValid, Child(path, "state"), out);
}

}  // namespace crm::sales
