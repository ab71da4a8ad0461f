// The service desk's own watch over service levels: a background task that
// records each missed first-response or resolution target as soon as its
// due time passes (also those that passed while the service was down),
// escalates the ticket, and counts the breach in
// crm_servicedesk_sla_breaches_total.
#ifndef CRM_SERVICES_SERVICEDESK_SLA_MONITOR_H_
#define CRM_SERVICES_SERVICEDESK_SLA_MONITOR_H_

#include <memory>

#include "common/server/runtime.h"
#include "common/server/timed_task.h"

namespace crm::servicedesk {

// Ticket writes that change due times notify `signal`.
std::unique_ptr<server::BackgroundTask> MakeSlaMonitor(server::Runtime& runtime,
                                                       std::shared_ptr<server::WakeSignal> signal);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SLA_MONITOR_H_
