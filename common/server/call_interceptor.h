// Every call passes through here: the grpc_server_* metrics that Prometheus
// dashboards expect (the names of go-grpc-prometheus) and one JSON log line
// per call with its request id, for health, reflection and domain calls alike.
#ifndef CRM_COMMON_SERVER_CALL_INTERCEPTOR_H_
#define CRM_COMMON_SERVER_CALL_INTERCEPTOR_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace crm::server {

// The metric families; created once per process.
struct GrpcServerMetrics {
  explicit GrpcServerMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& handling_seconds;
};

// Counts the calls in progress, so a drain can end as soon as they are done
// (gRPC's own Shutdown waits out its deadline while idle clients stay
// connected).
class ActiveCalls {
 public:
  void Begin();
  void End();
  // Waits until no call is in progress or `deadline` passes; true if none is.
  bool WaitForNone(std::chrono::system_clock::time_point deadline);

 private:
  std::mutex mu_;
  std::condition_variable none_;
  int count_ = 0;
};

class CallInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallInterceptorFactory(GrpcServerMetrics* metrics, ActiveCalls* active)
      : metrics_(metrics), active_(active) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  GrpcServerMetrics* metrics_;
  ActiveCalls* active_;
};

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_CALL_INTERCEPTOR_H_
