// Rules about catalogue resources, without storage: what a valid tax class
// and product look like. Violations name fields under `path`.
#ifndef CRM_SERVICES_SALES_CATALOG_VALIDATION_H_
#define CRM_SERVICES_SALES_CATALOG_VALIDATION_H_

#include <string>

#include "common/errors.h"
#include "common/validation/formats.h"
#include "crm/sales/v1/product.pb.h"

namespace crm::sales {

void ValidateTaxClass(const v1::TaxClass& tax_class, const std::string& path, Violations* out);

void ValidateProduct(const v1::Product& product, const std::string& path, Violations* out);

// A product group code (the suite's; see common/validation/formats.h).
using validation::IsProductGroup;
using validation::kProductGroupForm;

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_CATALOG_VALIDATION_H_
