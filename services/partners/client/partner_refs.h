// The partners a record in another service names, checked with the
// partners service when they are first named: each must exist (an erased partner does not)
// and some must play a role. A merged partner's name is replaced by its
// survivor's, so that lists by account or owner find the record.
#ifndef CRM_SERVICES_PARTNERS_CLIENT_PARTNER_REFS_H_
#define CRM_SERVICES_PARTNERS_CLIENT_PARTNER_REFS_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/partners/client/partners_client.h"

namespace crm::partners {

enum class PartnerNeed { kExists, kEmployee, kCompetitor, kEmployeeOrChannelPartner };

struct PartnerRef {
  std::string* name;  // may be empty (nothing to check)
  std::string field;  // its request path, for errors
  PartnerNeed need;
};

// (name, need) pairs an earlier write checked.
using CheckedPartners = std::set<std::pair<std::string, PartnerNeed>>;

CheckedPartners CheckedBy(const std::vector<PartnerRef>& refs);

// Checks each reference not in `checked`: NOT_FOUND for an unknown or
// erased partner, UNAVAILABLE when partners cannot be reached by
// `deadline`, FAILED_PRECONDITION NOT_EMPLOYEE, NOT_COMPETITOR or
// NOT_EMPLOYEE_OR_CHANNEL_PARTNER naming the field. Each replaced name goes into `renames` if
// given, and each partner read into `resolved` (by its final name) if given.
absl::Status ResolvePartnerRefs(PartnersClient& client, absl::Time deadline,
                                const std::vector<PartnerRef>& refs, const CheckedPartners& checked,
                                std::map<std::string, std::string>* renames,
                                std::map<std::string, v1::Partner>* resolved = nullptr);

// Replaces the names `renames` maps (from ResolvePartnerRefs) in `refs`:
// for a record re-read in the write, after partners was asked outside it.
void ApplyRenames(const std::map<std::string, std::string>& renames,
                  const std::vector<PartnerRef>& refs);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_CLIENT_PARTNER_REFS_H_
