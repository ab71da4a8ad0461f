// crm-loadgen: drives a running partners service with concurrent clients and
// prints throughput and latency percentiles. A benchmark, not a test.
//
//   crm-loadgen --target=127.0.0.1:50051 --clients=32 --seconds=10 --mix=create
//   crm-loadgen --mix=get        (reads partners created by an earlier run)
//   crm-loadgen --mix=list       (ListPartners, 50 a page, with a filter)
//   crm-loadgen --mix=populate --count=1000000
//                                (creates synthetic partners 0..count-1 once;
//                                 see synthetic_partners.h)
//   crm-loadgen --mix=search --query=name_city --count=1000000
//                                (SearchPartners for populated partners;
//                                 --query=name_city|full_name|email|phone|prefix)
//   crm-loadgen --mix=duplicates --query=typo|email --count=1000000
//                                (CheckPartnerDuplicates with a draft like a
//                                 populated partner: a typo in the family name
//                                 and the same city, or the same e-mail)
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
#include "tools/loadgen/synthetic_partners.h"

namespace {

namespace v1 = crm::partners::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:50051";
  int clients = 16;
  int seconds = 10;
  std::string mix = "create";
  std::string query = "name_city";
  long count = 0;
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
    else if (const char* v = value("--query=")) o.query = v;
    else if (const char* v = value("--count=")) o.count = std::max(0L, std::atol(v));
    else {
      std::fprintf(stderr, "usage: crm-loadgen [--target=host:port] [--clients=N] [--seconds=N] "
                           "[--mix=create|get|list|populate|search|duplicates] [--query=KIND] "
                           "[--count=N]\n");
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

// The UTF-8 characters of a text, each as its bytes.
std::vector<std::string> Characters(const std::string& text) {
  std::vector<std::string> characters;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) {
      ++length;
    }
    characters.push_back(text.substr(i, length));
    i += length;
  }
  return characters;
}

// A populated partner picked by call number: spread over the whole range.
long PickPartner(long count, int client, long n) {
  const uint64_t x = (static_cast<uint64_t>(n) * 2654435761u + static_cast<uint64_t>(client) * 40503u);
  return static_cast<long>(x % static_cast<uint64_t>(count));
}

v1::SearchPartnersRequest SearchFor(const std::string& kind, long k) {
  const crm::loadgen::SyntheticParts parts = crm::loadgen::PartsOf(k);
  v1::SearchPartnersRequest request;
  request.set_page_size(20);
  if (kind == "full_name") {
    request.set_query(absl::StrCat(parts.given_name, " ", parts.family_name));
  } else if (kind == "email") {
    request.set_query(parts.email);
  } else if (kind == "phone") {
    request.set_query(absl::StrCat("0", parts.phone.substr(3)));  // national form
  } else if (kind == "prefix") {
    const std::vector<std::string> characters = Characters(parts.family_name);
    std::string prefix;
    for (size_t i = 0; i < characters.size() && i < 4; ++i) prefix += characters[i];
    request.set_query(prefix);
  } else {
    request.set_query(absl::StrCat(parts.family_name, " ", parts.city.name));
  }
  return request;
}

v1::CheckPartnerDuplicatesRequest DuplicateDraftFor(const std::string& kind, long k) {
  v1::CheckPartnerDuplicatesRequest request;
  v1::Partner draft = crm::loadgen::SyntheticPartner(k);
  draft.clear_phone_numbers();
  if (kind == "email") {
    draft.clear_addresses();
  } else {
    draft.clear_email_addresses();
    std::string* family = draft.has_person() ? draft.mutable_person()->mutable_family_name()
                                             : draft.mutable_organization()->mutable_legal_name();
    std::vector<std::string> characters = Characters(*family);
    if (characters.size() > 3) std::swap(characters[1], characters[2]);  // a typing error
    family->clear();
    for (const std::string& character : characters) *family += character;
  }
  *request.mutable_partner() = std::move(draft);
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

  if ((options.mix == "search" || options.mix == "duplicates" || options.mix == "populate") &&
      options.count <= 0) {
    std::fprintf(stderr, "--mix=%s needs --count=N (the partners populated)\n", options.mix.c_str());
    return 2;
  }
  std::atomic<long> next_to_populate{0};
  std::atomic<long> refused{0};
  const auto populate_started = Clock::now();

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
      for (long n = 0; options.mix == "populate" || Clock::now() < end; ++n) {
        long k = 0;
        if (options.mix == "populate") {
          k = next_to_populate++;
          if (k >= options.count) break;
        }
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        const auto started = Clock::now();
        grpc::Status status;
        if (options.mix == "create") {
          v1::Partner response;
          status = client_stub->CreatePartner(&context, NewPartner(c, n), &response);
        } else if (options.mix == "populate") {
          v1::CreatePartnerRequest request;
          *request.mutable_partner() = crm::loadgen::SyntheticPartner(k);
          request.set_request_id(absl::StrCat("synthetic-", k));
          request.set_skip_duplicate_check(true);  // a bulk import of known data
          v1::Partner response;
          status = client_stub->CreatePartner(&context, request, &response);
        } else if (options.mix == "search") {
          v1::SearchPartnersResponse response;
          status = client_stub->SearchPartners(
              &context, SearchFor(options.query, PickPartner(options.count, c, n)), &response);
          if (status.ok() && response.results().empty()) ++refused;  // counted as "empty"
        } else if (options.mix == "duplicates") {
          v1::CheckPartnerDuplicatesResponse response;
          status = client_stub->CheckPartnerDuplicates(
              &context, DuplicateDraftFor(options.query, PickPartner(options.count, c, n)),
              &response);
          if (status.ok() && response.candidates().empty()) ++refused;
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
  const double elapsed_s =
      options.mix == "populate"
          ? std::chrono::duration<double>(Clock::now() - populate_started).count()
          : static_cast<double>(options.seconds);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty() ? 0.0 : latencies_ms[static_cast<size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf("mix=%s query=%s clients=%d seconds=%.0f calls=%zu errors=%ld empty=%ld "
              "throughput=%.0f/s p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n",
              options.mix.c_str(), options.query.c_str(), options.clients, elapsed_s,
              latencies_ms.size(), errors.load(), refused.load(),
              latencies_ms.size() / elapsed_s, pct(0.5), pct(0.9), pct(0.99),
              latencies_ms.empty() ? 0.0 : latencies_ms.back());
  return errors.load() == 0 ? 0 : 1;
}
