// The rules of service levels that need no storage: validation of calendars
// and policies, business-time arithmetic, which policy applies, and how a
// ticket's clock moves with its status.
#ifndef CRM_SERVICES_SERVICEDESK_SLA_RULES_H_
#define CRM_SERVICES_SERVICEDESK_SLA_RULES_H_

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "crm/servicedesk/v1/sla.pb.h"
#include "crm/servicedesk/v1/ticket.pb.h"

namespace crm::servicedesk {

void ValidateSlaCalendar(const v1::SlaCalendar& calendar, const std::string& path, Violations* out);
void ValidateSlaPolicy(const v1::SlaPolicy& policy, const std::string& path, Violations* out);

// A calendar's business hours as moments in time, in its time zone
// (daylight-saving changes included).
class BusinessCalendar {
 public:
  // INVALID_ARGUMENT when `calendar` does not pass ValidateSlaCalendar.
  static absl::StatusOr<BusinessCalendar> From(const v1::SlaCalendar& calendar);

  // The moment at which `amount` of business time has passed since
  // `start`. Zero or less is `start`. InfiniteFuture when the calendar
  // holds that much business time only centuries ahead.
  absl::Time Add(absl::Time start, absl::Duration amount) const;

  // The business time between `from` and `to`; zero when `to` is not after
  // `from`.
  absl::Duration Between(absl::Time from, absl::Time to) const;

 private:
  // [start, end) in minutes of the day, 0 to 1440.
  using Period = std::pair<int, int>;

  BusinessCalendar() = default;
  // The business periods of `day` as moments, in order.
  std::vector<std::pair<absl::Time, absl::Time>> PeriodsOn(absl::CivilDay day) const;

  absl::TimeZone zone_;
  std::array<std::vector<Period>, 7> week_;  // by absl::Weekday, Monday first
  std::set<absl::CivilDay> holidays_;
};

// Whether `policy` applies to a ticket of `type` and `priority` for a
// customer of `customer_class`.
bool PolicyApplies(const v1::SlaPolicy& policy, int customer_class, v1::TicketPriority priority,
                   v1::TicketType type);

// Gives `ticket` the service level of `policy`, counted in `calendar`, at
// `now`: targets and due times anew, the response and breaches so far
// kept. `used` is the business time already counted towards resolution.
// The clock runs unless the ticket waits for the customer or is resolved.
void AssignSla(const v1::SlaPolicy& policy, const BusinessCalendar& calendar, absl::Duration used,
               absl::Time now, v1::Ticket* ticket);

// The business time counted towards resolution by `now` in `calendar`.
absl::Duration ResolutionTimeUsed(const v1::TicketSla& sla, const BusinessCalendar& calendar,
                                  absl::Time now);

// Records the first response at `now` if there was none (also without a
// policy): late when past its due time.
void RecordFirstResponse(absl::Time now, v1::TicketSla* sla);

// Moves the clock of `ticket` (whose service level counts in `calendar`)
// as its status changed from `from` to its current status at `now`:
// leaving "new" is the first response; waiting for the customer stops the
// clock and coming back starts it; resolving stops it (late when past its
// due time); reopening starts it again.
void MoveSlaClock(const BusinessCalendar& calendar, v1::TicketStatus from, absl::Time now,
                  v1::Ticket* ticket);

// Targets "first_response" and "resolution" that `ticket` has missed by
// `now` and that were not recorded yet: marks them breached and returns
// them.
std::vector<std::string> RecordBreaches(absl::Time now, v1::Ticket* ticket);

// Raises the ticket's escalation level by one and hands it to the team
// `escalation_teams` names for that level, if any.
void Escalate(const google::protobuf::RepeatedPtrField<std::string>& escalation_teams,
              v1::Ticket* ticket);

// When the service next has to look at the ticket, in microseconds since
// the epoch, 0 for never: the first-response due time while no response
// came and no breach was recorded, and the resolution due time while the
// clock runs and no breach was recorded.
int64_t FirstResponseWatchMicros(const v1::Ticket& ticket);
int64_t ResolutionWatchMicros(const v1::Ticket& ticket);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SLA_RULES_H_
