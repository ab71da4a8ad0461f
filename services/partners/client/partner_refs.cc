#include "services/partners/client/partner_refs.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace crm::partners {
namespace {

bool HasRole(const v1::Partner& partner, v1::RoleType type) {
  for (const v1::Role& role : partner.roles()) {
    if (role.type() == type) return true;
  }
  return false;
}

}  // namespace

CheckedPartners CheckedBy(const std::vector<PartnerRef>& refs) {
  CheckedPartners checked;
  for (const PartnerRef& ref : refs) {
    if (!ref.name->empty()) checked.insert({*ref.name, ref.need});
  }
  return checked;
}

absl::Status ResolvePartnerRefs(PartnersClient& client, absl::Time deadline,
                                const std::vector<PartnerRef>& refs, const CheckedPartners& checked,
                                std::map<std::string, std::string>* renames,
                                std::map<std::string, v1::Partner>* resolved) {
  for (const PartnerRef& ref : refs) {
    std::string& name = *ref.name;
    if (name.empty() || checked.count({name, ref.need}) > 0) continue;
    absl::StatusOr<v1::Partner> partner = client.ResolvePartner(name, deadline);
    if (!partner.ok()) return partner.status();
    if (ref.need == PartnerNeed::kEmployee && !HasRole(*partner, v1::ROLE_TYPE_EMPLOYEE)) {
      return FailedPrecondition("NOT_EMPLOYEE", ref.field,
                                absl::StrCat(name, " is not in the employee role"));
    }
    if (ref.need == PartnerNeed::kEmployeeOrChannelPartner &&
        !HasRole(*partner, v1::ROLE_TYPE_EMPLOYEE) &&
        !HasRole(*partner, v1::ROLE_TYPE_CHANNEL_PARTNER)) {
      return FailedPrecondition(
          "NOT_EMPLOYEE_OR_CHANNEL_PARTNER", ref.field,
          absl::StrCat(name, " is neither an employee nor a channel partner"));
    }
    if (ref.need == PartnerNeed::kCompetitor && !HasRole(*partner, v1::ROLE_TYPE_COMPETITOR)) {
      return FailedPrecondition("NOT_COMPETITOR", ref.field,
                                absl::StrCat(name, " is not in the competitor role"));
    }
    if (partner->name() != name) {
      if (renames != nullptr) (*renames)[name] = partner->name();
      name = partner->name();
    }
    if (resolved != nullptr) (*resolved)[name] = *std::move(partner);
  }
  return absl::OkStatus();
}

void ApplyRenames(const std::map<std::string, std::string>& renames,
                  const std::vector<PartnerRef>& refs) {
  for (const PartnerRef& ref : refs) {
    auto it = renames.find(*ref.name);
    if (it != renames.end()) *ref.name = it->second;
  }
}

}  // namespace crm::partners
