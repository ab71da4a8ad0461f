// Every call passes through here: the grpc_server_* metrics that Prometheus
// dashboards expect (the names of go-grpc-prometheus) and one JSON log line
// per call with its request id, for health, reflection and domain calls alike.
#ifndef CRM_COMMON_SERVER_CALL_INTERCEPTOR_H_
#define CRM_COMMON_SERVER_CALL_INTERCEPTOR_H_

#include <memory>

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

class CallInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallInterceptorFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  GrpcServerMetrics* metrics_;
};

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_CALL_INTERCEPTOR_H_
