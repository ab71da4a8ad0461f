#include "services/servicedesk/sla_monitor.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "common/log.h"
#include "common/server/resource_handlers.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/sla_store.h"
#include "services/servicedesk/ticket_history.h"

namespace crm::servicedesk {
namespace {

// Tickets handled per transaction: a backlog after a long outage is worked
// off in short writes.
constexpr int kBatch = 200;

class SlaSweep {
 public:
  explicit SlaSweep(server::Runtime& runtime) : runtime_(runtime) {
    auto& breaches = prometheus::BuildCounter()
                         .Name("crm_servicedesk_sla_breaches_total")
                         .Help("Service-level targets missed, by target.")
                         .Register(runtime_.metrics());
    breaches_["first_response"] = &breaches.Add({{"target", "first_response"}});
    breaches_["resolution"] = &breaches.Add({{"target", "resolution"}});
    last_sweep_ = &prometheus::BuildGauge()
                       .Name("crm_servicedesk_sla_last_sweep_timestamp_seconds")
                       .Help("When the SLA monitor last looked for breaches.")
                       .Register(runtime_.metrics())
                       .Add({});
  }

  // Records every breach due by `now`; returns the next due time.
  absl::Time operator()(absl::Time now) {
    const int64_t now_micros = api::TimeToMicros(now);
    server::CallContext call;
    call.caller.principal = "servicedesk/sla-monitor";
    call.method = "SlaMonitor";
    call.now = now;
    for (bool more = true; more;) {
      std::map<std::string, int> missed;
      absl::Status status = runtime_.db().Write([&](db::Connection& c) -> absl::Status {
        std::vector<std::string> ids;
        SQLite::Statement& due = c.Prepare(
            "SELECT id FROM tickets WHERE first_response_watch BETWEEN 1 AND ?1 UNION "
            "SELECT id FROM tickets WHERE resolution_watch BETWEEN 1 AND ?1 LIMIT ?2",
            {now_micros, int64_t{kBatch}});
        while (due.executeStep()) ids.push_back(due.getColumn(0).getString());
        due.reset();
        more = ids.size() == kBatch;
        for (const std::string& id : ids) {
          auto ticket = TicketTable().Load<v1::Ticket>(c, id);
          if (!ticket) continue;
          v1::Ticket& stored = ticket->resource;
          const v1::Ticket before = stored;
          const std::vector<std::string> targets = RecordBreaches(now, &stored);
          const auto teams = EscalationTeams(c, stored);
          for (const std::string& target : targets) {
            Escalate(teams, &stored);
            ++missed[target];
          }
          AppendTicketEvent(c, call, id, before, stored);
          server::ReplaceResource(c, call, TicketTable(), id, &ticket->revision, &stored);
        }
        return absl::OkStatus();
      });
      if (!status.ok()) {
        log::Warn("SLA sweep failed", {{"status", status.ToString()}});
        return now + absl::Seconds(1);
      }
      // Counted once the breaches are stored.
      for (const auto& [target, count] : missed) breaches_[target]->Increment(count);
    }
    last_sweep_->Set(static_cast<double>(absl::ToUnixMicros(now)) / 1e6);
    int64_t next = 0;
    runtime_.db()
        .Read([&](db::Connection& c) -> absl::Status {
          next = c.QueryInt64(
              "SELECT coalesce(min(due), 0) FROM ("
              "SELECT min(first_response_watch) AS due FROM tickets WHERE first_response_watch > 0 "
              "UNION ALL "
              "SELECT min(resolution_watch) FROM tickets WHERE resolution_watch > 0)",
              {});
          return absl::OkStatus();
        })
        .IgnoreError();
    return next == 0 ? absl::InfiniteFuture() : absl::FromUnixMicros(next);
  }

 private:
  server::Runtime& runtime_;
  std::map<std::string, prometheus::Counter*> breaches_;
  prometheus::Gauge* last_sweep_;
};

}  // namespace

std::unique_ptr<server::BackgroundTask> MakeSlaMonitor(server::Runtime& runtime,
                                                       std::shared_ptr<server::WakeSignal> signal) {
  auto sweep = std::make_shared<SlaSweep>(runtime);
  return std::make_unique<server::TimedTask>("sla-monitor", std::move(signal), absl::Minutes(1),
                                             [sweep](absl::Time now) { return (*sweep)(now); });
}

}  // namespace crm::servicedesk
