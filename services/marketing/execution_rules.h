// The rules of campaign execution that need no storage: what a contact's
// message says, and the figures of a campaign's performance.
#ifndef CRM_SERVICES_MARKETING_EXECUTION_RULES_H_
#define CRM_SERVICES_MARKETING_EXECUTION_RULES_H_

#include <cstdint>
#include <map>
#include <string>

#include "common/errors.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "crm/marketing/v1/execution.pb.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::marketing {

// A target-group member as the group keeps it.
struct MemberSnapshot {
  std::string partner;
  std::string display_name;
  std::string given_name;
  std::string family_name;
  std::string city;
  std::string country_code;
  std::string address;
};

// A partner as a target group (or an automation) keeps it: enough to
// address and greet them through `channel` without asking partners again.
MemberSnapshot SnapshotOf(const partners::v1::Partner& partner, v1::Channel channel);

// The contact `wave` makes with `member`, its message filled in.
v1::Contact ContactFor(const v1::Campaign& campaign, const v1::Wave& wave,
                       const MemberSnapshot& member);

void ValidateResponse(const v1::Response& response, const std::string& path, Violations* out);

// part / whole in percent; 0 when `whole` is 0.
double Percent(int64_t part, int64_t whole);

// Buyers' share among those contacted minus their share in the control
// group, in percentage points; 0 when either group is empty.
double UpliftPoints(int target_members, int target_buyers, int control_members, int control_buyers);

// (revenue - cost) / cost in percent; 0 without cost.
double ReturnOnCostPercent(int64_t revenue_nanos, int64_t cost_nanos);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_EXECUTION_RULES_H_
