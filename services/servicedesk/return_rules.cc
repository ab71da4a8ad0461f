#include "services/servicedesk/return_rules.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/validation/field_checks.h"

namespace crm::servicedesk {

using validation::Child;

void ValidateReturn(const v1::ReturnAuthorization& rma, const std::string& path, Violations* out) {
  const std::string customer = Child(path, "customer");
  if (rma.customer().empty()) {
    out->Add(customer, "is required");
  } else {
    validation::CheckOptionalReference(rma.customer(), "partners", customer, out);
  }
  const std::string component = Child(path, "component");
  if (rma.component().empty()) {
    out->Add(component, "is required");
  } else {
    validation::CheckOptionalReference(rma.component(), "installedComponents", component, out);
  }
  validation::CheckOptionalReference(rma.ticket(), "tickets", Child(path, "ticket"), out);
  validation::CheckRequiredText(rma.reason(), 2000, Child(path, "reason"), out);
}

absl::Status RequireReturnState(const v1::ReturnAuthorization& rma, v1::ReturnState expected,
                                const std::string& step) {
  if (rma.state() == expected) return absl::OkStatus();
  return FailedPrecondition("RETURN_STATE", rma.name(),
                            absl::StrCat("is ", v1::ReturnState_Name(rma.state()), "; ", step,
                                         " needs ", v1::ReturnState_Name(expected)));
}

absl::StatusOr<google::type::Date> StepDate(const google::type::Date& sent,
                                            const google::type::Date& previous,
                                            const google::type::Date& today,
                                            const std::string& field, bool future_allowed) {
  google::type::Date day = today;
  if (api::IsDateSet(sent)) {
    Violations violations;
    if (!validation::CheckRequiredDate(sent, field, &violations)) return violations.ToStatus();
    if (!future_allowed && api::CompareDates(sent, today) > 0) {
      return InvalidField(field, "is in the future");
    }
    day = sent;
  }
  if (api::IsDateSet(previous) && api::CompareDates(day, previous) < 0) {
    return InvalidField(field,
                        absl::StrCat("is before the previous step (", api::IsoDate(previous), ")"));
  }
  return day;
}

}  // namespace crm::servicedesk
