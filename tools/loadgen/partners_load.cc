// crm-loadgen: drives a running partners service with concurrent clients and
// prints throughput and latency percentiles. A benchmark, not a test.
//
//   crm-loadgen --target=127.0.0.1:50051 --clients=32 --seconds=10 --mix=create
//   crm-loadgen --mix=get        (reads partners created by an earlier run)
//   crm-loadgen --mix=list       (ListPartners, 50 a page, with a filter)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"

namespace {

namespace v1 = crm::partners::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:50051";
  int clients = 16;
  int seconds = 10;
  std::string mix = "create";
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const size_t n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--target=")) o.target = v;
    else if (const char* v = value("--clients=")) o.clients = std::max(1, std::atoi(v));
    else if (const char* v = value("--seconds=")) o.seconds = std::max(1, std::atoi(v));
    else if (const char* v = value("--mix=")) o.mix = v;
    else {
      std::fprintf(stderr, "usage: crm-loadgen [--target=host:port] [--clients=N] [--seconds=N] "
                           "[--mix=create|get|list]\n");
      std::exit(2);
    }
  }
  return o;
}

v1::CreatePartnerRequest NewPartner(int client, long n) {
  v1::CreatePartnerRequest request;
  v1::Partner* p = request.mutable_partner();
  p->set_category(v1::PARTNER_CATEGORY_PERSON);
  p->mutable_person()->set_given_name(absl::StrCat("Load", client));
  p->mutable_person()->set_family_name(absl::StrCat("Tester", n));
  v1::Address* a = p->add_addresses();
  a->set_type(v1::ADDRESS_TYPE_PRIVATE);
  a->set_city(n % 2 ? "Berlin" : "Madrid");
  a->set_country_code(n % 2 ? "DE" : "ES");
  p->add_email_addresses()->set_address(absl::StrCat("load", client, "-", n, "@example.com"));
  request.set_request_id(absl::StrCat("load-", client, "-", n, "-", getpid()));
  return request;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  auto channel = grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials());
  auto stub = v1::PartnerService::NewStub(channel);

  std::vector<std::string> names;  // for --mix=get
  if (options.mix == "get") {
    grpc::ClientContext context;
    v1::ListPartnersRequest request;
    request.set_page_size(1000);
    v1::ListPartnersResponse response;
    if (!stub->ListPartners(&context, request, &response).ok() || response.partners().empty()) {
      std::fprintf(stderr, "no partners to read: run --mix=create first\n");
      return 1;
    }
    for (const auto& p : response.partners()) names.push_back(p.name());
  }

  std::atomic<long> errors{0};
  std::mutex mu;
  std::vector<double> latencies_ms;
  const auto end = Clock::now() + std::chrono::seconds(options.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < options.clients; ++c) {
    threads.emplace_back([&, c] {
      auto client_stub = v1::PartnerService::NewStub(
          grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(),
                                    [c] { grpc::ChannelArguments args; args.SetInt("crm.client", c); return args; }()));
      std::vector<double> mine;
      for (long n = 0; Clock::now() < end; ++n) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        const auto started = Clock::now();
        grpc::Status status;
        if (options.mix == "create") {
          v1::Partner response;
          status = client_stub->CreatePartner(&context, NewPartner(c, n), &response);
        } else if (options.mix == "get") {
          v1::GetPartnerRequest request;
          request.set_name(names[static_cast<size_t>(n + c) % names.size()]);
          v1::Partner response;
          status = client_stub->GetPartner(&context, request, &response);
        } else {
          v1::ListPartnersRequest request;
          request.set_page_size(50);
          request.set_filter("country_code = \"DE\"");
          v1::ListPartnersResponse response;
          status = client_stub->ListPartners(&context, request, &response);
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        if (!status.ok()) ++errors;
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty() ? 0.0 : latencies_ms[static_cast<size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf("mix=%s clients=%d seconds=%d calls=%zu errors=%ld throughput=%.0f/s "
              "p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n",
              options.mix.c_str(), options.clients, options.seconds, latencies_ms.size(),
              errors.load(), latencies_ms.size() / static_cast<double>(options.seconds), pct(0.5),
              pct(0.9), pct(0.99), latencies_ms.empty() ? 0.0 : latencies_ms.back());
  return errors.load() == 0 ? 0 : 1;
}
