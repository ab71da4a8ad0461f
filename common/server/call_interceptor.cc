#include "common/server/call_interceptor.h"

#include <chrono>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace crm::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* TypeName(grpc::experimental::ServerRpcInfo::Type type) {
  switch (type) {
    case grpc::experimental::ServerRpcInfo::Type::UNARY: return "unary";
    case grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING: return "client_stream";
    case grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING: return "server_stream";
    case grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING: return "bidi_stream";
  }
  return "unknown";
}

const char* CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
                                 "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted",
                                 "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
                                 "Internal", "Unavailable", "DataLoss", "Unauthenticated"};
  const int index = static_cast<int>(code);
  return index >= 0 && index <= 16 ? kNames[index] : "Unknown";
}

class CallInterceptor : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info, GrpcServerMetrics* metrics,
                  ActiveCalls* active)
      : info_(info), metrics_(metrics), active_(active) {
    // gRPC destroys the interceptor when the call ends, however it ends.
    active_->Begin();
    // "/crm.partners.v1.PartnerService/CreatePartner"
    std::string full = info->method() != nullptr ? info->method() : "";
    const size_t slash = full.rfind('/');
    service_ = slash != std::string::npos && slash > 0 ? full.substr(1, slash - 1) : full;
    method_ = slash != std::string::npos ? full.substr(slash + 1) : full;
    type_ = TypeName(info->type());
  }

  ~CallInterceptor() override { active_->End(); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      started_ = std::chrono::steady_clock::now();
      metrics_->started.Add({{"grpc_type", type_}, {"grpc_service", service_}, {"grpc_method", method_}})
          .Increment();
      if (auto* metadata = methods->GetRecvInitialMetadata()) {
        auto it = metadata->find("x-request-id");
        if (it != metadata->end()) {
          request_id_.assign(it->second.data(), std::min<size_t>(it->second.size(), 100));
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
      const char* code = CodeName(status.error_code());
      metrics_->handled
          .Add({{"grpc_type", type_}, {"grpc_service", service_}, {"grpc_method", method_},
                {"grpc_code", code}})
          .Increment();
      metrics_->handling_seconds
          .Add({{"grpc_type", type_}, {"grpc_service", service_}, {"grpc_method", method_}},
               prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
          .Observe(seconds);
      // Only ids, codes and timings: messages may quote user input.
      log::Fields fields = {{"grpc_service", service_},
                            {"grpc_method", method_},
                            {"grpc_code", code},
                            {"duration_ms", absl::StrCat(seconds * 1000)}};
      if (!request_id_.empty()) fields.push_back({"request_id", request_id_});
      if (status.ok()) {
        log::Info("call", fields);
      } else {
        log::Warn("call", fields);
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  GrpcServerMetrics* metrics_;
  ActiveCalls* active_;
  std::string service_, method_, type_, request_id_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started(prometheus::BuildCounter()
                  .Name("grpc_server_started_total")
                  .Help("Total number of RPCs started on the server.")
                  .Register(registry)),
      handled(prometheus::BuildCounter()
                  .Name("grpc_server_handled_total")
                  .Help("Total number of RPCs completed on the server, regardless of success or failure.")
                  .Register(registry)),
      handling_seconds(prometheus::BuildHistogram()
                           .Name("grpc_server_handling_seconds")
                           .Help("Histogram of response latency (seconds) of gRPC that had been "
                                 "application-level handled by the server.")
                           .Register(registry)) {}

grpc::experimental::Interceptor* CallInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallInterceptor(info, metrics_, active_);
}

void ActiveCalls::Begin() {
  std::lock_guard<std::mutex> lock(mu_);
  ++count_;
}

void ActiveCalls::End() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--count_ == 0) none_.notify_all();
}

bool ActiveCalls::WaitForNone(std::chrono::system_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return none_.wait_until(lock, deadline, [this] { return count_ == 0; });
}

}  // namespace crm::server
