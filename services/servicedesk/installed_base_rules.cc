#include "services/servicedesk/installed_base_rules.h"

#include <set>

#include "common/api/dates.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::servicedesk {
namespace {

using validation::Child;
using validation::Element;

bool IsSerialNumber(const std::string& serial) {
  return !serial.empty() && serial.size() <= 60 && validation::IsAsciiAlnumOr(serial, "-/.");
}

void CheckCoverage(const google::protobuf::RepeatedField<int>& coverage, const std::string& field,
                   Violations* out) {
  if (coverage.empty()) {
    out->Add(field, "needs at least one kind of coverage");
    return;
  }
  validation::CheckEnumList(coverage, 3, v1::WarrantyCoverage_IsValid, field, out);
}

bool Covers(const google::type::Date& start, const google::type::Date& end,
            const google::type::Date& day) {
  return api::CompareDates(start, day) <= 0 && api::CompareDates(end, day) >= 0;
}

}  // namespace

void ValidateComponent(const v1::InstalledComponent& component, const std::string& path,
                       Violations* out) {
  const std::string customer = Child(path, "customer");
  if (component.customer().empty()) {
    out->Add(customer, "is required");
  } else {
    validation::CheckOptionalReference(component.customer(), "partners", customer, out);
  }
  const bool kind_ok = validation::CheckRequiredEnum(component.kind(), v1::ComponentKind_IsValid,
                                                     Child(path, "kind"), out);
  const std::string product = Child(path, "product");
  const std::string serial = Child(path, "serial_number");
  if (kind_ok && component.kind() == v1::COMPONENT_KIND_TEXT_ITEM) {
    if (!component.product().empty()) out->Add(product, "is not for a text item");
  } else if (kind_ok && component.product().empty()) {
    out->Add(product, "is required");
  } else {
    validation::CheckOptionalReference(component.product(), "products", product, out);
  }
  if (kind_ok && component.kind() == v1::COMPONENT_KIND_OBJECT) {
    if (!IsSerialNumber(component.serial_number())) {
      out->Add(serial, "must be 1 to 60 letters, digits, \"-\", \"/\" or \".\"");
    }
  } else if (kind_ok && !component.serial_number().empty()) {
    out->Add(serial, "is only for individual objects");
  }
  validation::CheckOptionalReference(component.parent(), "installedComponents",
                                     Child(path, "parent"), out);
  if (!component.parent().empty() && component.parent() == component.name()) {
    out->Add(Child(path, "parent"), "must not be the component itself");
  }
  validation::CheckRequiredText(component.description(), 2000, Child(path, "description"), out);
  if (api::IsDateSet(component.install_date())) {
    validation::CheckRequiredDate(component.install_date(), Child(path, "install_date"), out);
  }
  validation::CheckText(component.location(), 200, Child(path, "location"), out);
}

void ValidateWarranty(const v1::Warranty& warranty, const std::string& path, Violations* out) {
  const std::string component = Child(path, "component");
  if (warranty.component().empty()) {
    out->Add(component, "is required");
  } else {
    validation::CheckOptionalReference(warranty.component(), "installedComponents", component, out);
  }
  validation::CheckRequiredText(warranty.display_name(), 200, Child(path, "display_name"), out);
  CheckCoverage(warranty.coverage(), Child(path, "coverage"), out);
  validation::CheckDateRange(warranty.start_date(), Child(path, "start_date"), warranty.end_date(),
                             Child(path, "end_date"), 0, out);
}

void ValidateServiceContract(const v1::ServiceContract& contract, const std::string& path,
                             Violations* out) {
  const std::string customer = Child(path, "customer");
  if (contract.customer().empty()) {
    out->Add(customer, "is required");
  } else {
    validation::CheckOptionalReference(contract.customer(), "partners", customer, out);
  }
  validation::CheckRequiredText(contract.display_name(), 200, Child(path, "display_name"), out);
  const std::string components = Child(path, "components");
  if (contract.components().empty()) {
    out->Add(components, "needs at least one component");
  } else if (validation::CheckMaxEntries(contract.components_size(), 500, components, out)) {
    std::set<std::string> seen;
    for (int i = 0; i < contract.components_size(); ++i) {
      const std::string at = Element(components, i);
      if (contract.components(i).empty()) {
        out->Add(at, "is required");
      } else if (!seen.insert(contract.components(i)).second) {
        out->Add(at, "is listed twice");
      } else {
        validation::CheckOptionalReference(contract.components(i), "installedComponents", at, out);
      }
    }
  }
  CheckCoverage(contract.coverage(), Child(path, "coverage"), out);
  validation::CheckDateRange(contract.start_date(), Child(path, "start_date"), contract.end_date(),
                             Child(path, "end_date"), 0, out);
  validation::CheckOptionalReference(contract.response_profile(), "slaPolicies",
                                     Child(path, "response_profile"), out);
  validation::CheckOptionalReference(contract.sales_contract(), "contracts",
                                     Child(path, "sales_contract"), out);
}

v1::Entitlement EntitlementOn(const v1::InstalledComponent& component,
                              const std::vector<v1::Warranty>& warranties,
                              const std::vector<v1::ServiceContract>& contracts,
                              const google::type::Date& day) {
  v1::Entitlement entitlement;
  entitlement.set_component(component.name());
  entitlement.set_customer(component.customer());
  std::set<int> coverage;
  auto extend_until = [&](const google::type::Date& end) {
    if (!entitlement.has_covered_until() ||
        api::CompareDates(end, entitlement.covered_until()) > 0) {
      *entitlement.mutable_covered_until() = end;
    }
  };
  for (const v1::Warranty& warranty : warranties) {
    if (!Covers(warranty.start_date(), warranty.end_date(), day)) continue;
    entitlement.set_covered(true);
    entitlement.add_warranties(warranty.name());
    for (int c : warranty.coverage()) coverage.insert(c);
    extend_until(warranty.end_date());
  }
  for (const v1::ServiceContract& contract : contracts) {
    if (!Covers(contract.start_date(), contract.end_date(), day)) continue;
    entitlement.set_covered(true);
    entitlement.add_service_contracts(contract.name());
    for (int c : contract.coverage()) coverage.insert(c);
    extend_until(contract.end_date());
    if (entitlement.response_profile().empty()) {
      entitlement.set_response_profile(contract.response_profile());
    }
  }
  for (int c : coverage) entitlement.add_coverage(static_cast<v1::WarrantyCoverage>(c));
  return entitlement;
}

}  // namespace crm::servicedesk
