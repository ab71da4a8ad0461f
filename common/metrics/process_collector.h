// The process_* metrics Prometheus' own clients export (CPU seconds, resident
// memory, open files, start time), read from /proc at each scrape.
#ifndef CRM_COMMON_METRICS_PROCESS_COLLECTOR_H_
#define CRM_COMMON_METRICS_PROCESS_COLLECTOR_H_

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace crm::metrics {

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace crm::metrics

#endif  // CRM_COMMON_METRICS_PROCESS_COLLECTOR_H_
