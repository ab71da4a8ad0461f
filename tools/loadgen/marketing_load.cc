// crm-marketing-load: drives a running marketing service (with partners and
// sales beside it) and prints how long its heavy calls take. A benchmark,
// not a test.
//
//   crm-marketing-load --mix=setup --partners=20000 --clients=8
//       creates persons in Bavaria, each with marketing consent for e-mail
//       (every tenth without), through partners. Run once on empty data.
//   crm-marketing-load --mix=campaign --control=10
//       builds a target group of all Bavarian persons for e-mail (10 %
//       control), then creates, releases and starts a campaign and releases
//       its e-mail wave: one contact per member. Prints both times.
//   crm-marketing-load --mix=import --rows=20000 --chunk=65536
//       streams a CSV file of that many leads through ImportLeads.
//   crm-marketing-load --mix=leads --clients=8 --seconds=10
//       captures leads (scored by 10 rules) as fast as it can.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "crm/marketing/v1/campaign_service.grpc.pb.h"
#include "crm/marketing/v1/execution_service.grpc.pb.h"
#include "crm/marketing/v1/lead_service.grpc.pb.h"
#include "crm/marketing/v1/segment_service.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "tools/loadgen/load_support.h"

namespace {

// Calls without a deadline of their own get 600 s.
std::unique_ptr<grpc::ClientContext> Context(int seconds = 600) {
  return crm::loadgen::Deadline(seconds);
}

bool Check(const grpc::Status& status, const std::string& what) {
  return crm::loadgen::CheckStatus(status, what);
}

namespace mv1 = crm::marketing::v1;
namespace pv1 = crm::partners::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:50053";
  std::string partners_address = "127.0.0.1:50051";
  std::string mix = "campaign";
  int clients = 8;
  int seconds = 10;
  int partners = 20000;
  int control = 10;
  int rows = 20000;
  int chunk = 65536;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    auto value = [&](const char* flag) { return crm::loadgen::FlagValue(argv[i], flag); };
    if (const char* v = value("--target="))
      o.target = v;
    else if (const char* v = value("--partners_address="))
      o.partners_address = v;
    else if (const char* v = value("--mix="))
      o.mix = v;
    else if (const char* v = value("--clients="))
      o.clients = std::max(1, std::atoi(v));
    else if (const char* v = value("--seconds="))
      o.seconds = std::max(1, std::atoi(v));
    else if (const char* v = value("--partners="))
      o.partners = std::max(1, std::atoi(v));
    else if (const char* v = value("--control="))
      o.control = std::clamp(std::atoi(v), 0, 90);
    else if (const char* v = value("--rows="))
      o.rows = std::max(1, std::atoi(v));
    else if (const char* v = value("--chunk="))
      o.chunk = std::max(1, std::atoi(v));
    else {
      std::fprintf(stderr,
                   "usage: crm-marketing-load [--target=host:port] [--partners_address=host:port] "
                   "[--mix=setup|campaign|import|leads] [--clients=N] [--seconds=N] "
                   "[--partners=N] [--control=PERCENT] [--rows=N] [--chunk=BYTES]\n");
      std::exit(2);
    }
  }
  return o;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

google::type::Date DateOf(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

int Setup(const Options& o) {
  std::atomic<int> next{0}, errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int client = 0; client < o.clients; ++client) {
    threads.emplace_back([&, client] {
      grpc::ChannelArguments args;
      args.SetInt("crm.client", client);
      auto stub = pv1::PartnerService::NewStub(
          grpc::CreateCustomChannel(o.partners_address, grpc::InsecureChannelCredentials(), args));
      for (int i = next++; i < o.partners; i = next++) {
        pv1::CreatePartnerRequest create;
        pv1::Partner& p = *create.mutable_partner();
        p.set_category(pv1::PARTNER_CATEGORY_PERSON);
        p.mutable_person()->set_given_name("Alex");
        p.mutable_person()->set_family_name(absl::StrCat("Kunde", i));
        pv1::Address& address = *p.add_addresses();
        address.set_type(pv1::ADDRESS_TYPE_PRIVATE);
        address.add_street_lines(absl::StrCat("Weg ", i % 200 + 1));
        address.set_postal_code("80331");
        address.set_city("München");
        address.set_region("BY");
        address.set_country_code("DE");
        p.add_email_addresses()->set_address(absl::StrCat("kunde", i, "@example.com"));
        p.add_roles()->set_type(pv1::ROLE_TYPE_CUSTOMER);
        create.set_request_id(absl::StrCat("marketing-load-", i));
        pv1::Partner created;
        if (!Check(stub->CreatePartner(Context(30).get(), create, &created), "CreatePartner")) {
          ++errors;
          continue;
        }
        if (i % 10 == 9) continue;  // no consent
        pv1::GrantConsentRequest consent;
        consent.set_parent(created.name());
        consent.mutable_consent_record()->set_channel(pv1::CONTACT_CHANNEL_EMAIL);
        consent.mutable_consent_record()->set_purpose(pv1::CONTACT_PURPOSE_MARKETING);
        consent.mutable_consent_record()->set_source("newsletter form");
        consent.mutable_consent_record()->set_text_version("2026-01");
        pv1::ConsentRecord record;
        if (!Check(stub->GrantConsent(Context(30).get(), consent, &record), "GrantConsent")) {
          ++errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("setup: %d partners in %.1f s, errors=%d\n", o.partners, SecondsSince(start),
              errors.load());
  return errors.load() == 0 ? 0 : 1;
}

int Campaign(const Options& o) {
  auto channel = grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials());
  auto segments = mv1::SegmentService::NewStub(channel);
  auto campaigns = mv1::CampaignService::NewStub(channel);
  auto execution = mv1::ExecutionService::NewStub(channel);

  mv1::CreateSegmentRequest segment;
  segment.mutable_segment()->set_display_name("Bavarian customers");
  segment.mutable_segment()->mutable_criteria()->add_roles(pv1::ROLE_TYPE_CUSTOMER);
  segment.mutable_segment()->mutable_criteria()->add_regions("BY");
  mv1::Segment created;
  if (!Check(segments->CreateSegment(Context().get(), segment, &created), "CreateSegment"))
    return 1;
  mv1::BuildTargetGroupRequest build;
  build.set_segment(created.name());
  build.set_channel(mv1::CHANNEL_EMAIL);
  build.set_control_share_percent(o.control);
  build.set_seed(42);
  mv1::TargetGroup group;
  auto start = Clock::now();
  if (!Check(segments->BuildTargetGroup(Context().get(), build, &group), "BuildTargetGroup")) {
    return 1;
  }
  const double build_seconds = SecondsSince(start);
  int excluded = 0;
  for (const auto& e : group.exclusions()) excluded += e.count();
  std::printf("BuildTargetGroup: %d members, %d control, %d excluded in %.2f s\n",
              group.member_count(), group.control_count(), excluded, build_seconds);

  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  mv1::CreateCampaignRequest create;
  mv1::Campaign& campaign = *create.mutable_campaign();
  campaign.set_display_name("Load campaign");
  *campaign.mutable_start_date() = DateOf(today);
  *campaign.mutable_end_date() = DateOf(today + 30);
  campaign.set_currency_code("EUR");
  mv1::Wave& wave = *campaign.add_waves();
  wave.set_wave_id("mailing");
  wave.set_display_name("Mailing");
  wave.set_channel(mv1::CHANNEL_EMAIL);
  *wave.mutable_start_date() = campaign.start_date();
  *wave.mutable_end_date() = campaign.end_date();
  wave.set_target_group(group.name());
  wave.mutable_message_template()->set_subject("{{campaign}}");
  wave.mutable_message_template()->set_body("Dear {{given_name}} {{family_name}} in {{city}}");
  mv1::Campaign made;
  if (!Check(campaigns->CreateCampaign(Context().get(), create, &made), "CreateCampaign")) return 1;
  mv1::ReleaseCampaignRequest release;
  release.set_name(made.name());
  if (!Check(campaigns->ReleaseCampaign(Context().get(), release, &made), "ReleaseCampaign")) {
    return 1;
  }
  mv1::StartCampaignRequest run;
  run.set_name(made.name());
  if (!Check(campaigns->StartCampaign(Context().get(), run, &made), "StartCampaign")) return 1;
  mv1::ReleaseWaveRequest wave_release;
  wave_release.set_campaign(made.name());
  wave_release.set_wave_id("mailing");
  mv1::WaveRelease released;
  start = Clock::now();
  if (!Check(execution->ReleaseWave(Context().get(), wave_release, &released), "ReleaseWave")) {
    return 1;
  }
  const double release_seconds = SecondsSince(start);
  std::printf("ReleaseWave: %d contacts in %.2f s (%.0f contacts/s)\n", released.contact_count(),
              release_seconds, released.contact_count() / release_seconds);
  return 0;
}

int Import(const Options& o) {
  std::string csv =
      "family_name,given_name,company_name,email,country_code,estimated_value,"
      "currency_code\n";
  const std::string run = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  for (int i = 0; i < o.rows; ++i) {
    absl::StrAppend(&csv, "Lead", i, ",Kim,\"Firma ", i, ", GmbH\",lead", i, "-", run,
                    "@example.com,DE,", 1000 + i % 5000, ".50,EUR\n");
  }
  auto stub =
      mv1::LeadService::NewStub(grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()));
  auto context = Context();
  const auto start = Clock::now();
  auto stream = stub->ImportLeads(context.get());
  std::atomic<long> created{0}, other{0};
  std::thread reader([&] {
    mv1::ImportLeadsResponse response;
    while (stream->Read(&response)) {
      for (const auto& r : response.results()) {
        (r.outcome() == mv1::LEAD_IMPORT_OUTCOME_CREATED ? created : other)++;
      }
    }
  });
  for (size_t at = 0; at < csv.size(); at += static_cast<size_t>(o.chunk)) {
    mv1::ImportLeadsRequest request;
    request.set_csv_chunk(csv.substr(at, static_cast<size_t>(o.chunk)));
    if (!stream->Write(request)) break;
  }
  stream->WritesDone();
  reader.join();
  const grpc::Status status = stream->Finish();
  const double seconds = SecondsSince(start);
  std::printf("ImportLeads: %d rows (%zu bytes) in %.2f s: %ld created, %ld other, %.0f rows/s\n",
              o.rows, csv.size(), seconds, created.load(), other.load(), o.rows / seconds);
  return Check(status, "ImportLeads") ? 0 : 1;
}

int Leads(const Options& o) {
  auto channel = grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials());
  auto rules = mv1::LeadService::NewStub(channel);
  for (int i = 0; i < 10; ++i) {
    mv1::CreateLeadScoringRuleRequest rule;
    rule.mutable_lead_scoring_rule()->set_display_name(absl::StrCat("Rule ", i));
    rule.mutable_lead_scoring_rule()->mutable_condition()->add_industry_code_prefixes(
        absl::StrCat("C", i));
    rule.mutable_lead_scoring_rule()->set_points(10 + i);
    mv1::LeadScoringRule made;
    if (!Check(rules->CreateLeadScoringRule(Context().get(), rule, &made), "rule")) return 1;
  }
  const std::string run = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  std::atomic<long> errors{0};
  std::mutex mu;
  crm::loadgen::Latencies latencies_ms;
  const auto end = Clock::now() + std::chrono::seconds(o.seconds);
  std::vector<std::thread> threads;
  for (int client = 0; client < o.clients; ++client) {
    threads.emplace_back([&, client] {
      grpc::ChannelArguments args;
      args.SetInt("crm.client", client);
      auto stub = mv1::LeadService::NewStub(
          grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args));
      std::vector<double> mine;
      for (long n = 0; Clock::now() < end; ++n) {
        mv1::CreateLeadRequest request;
        mv1::Lead& lead = *request.mutable_lead();
        lead.set_display_name("Interest in monitors");
        lead.set_source(mv1::LEAD_SOURCE_WEB);
        lead.mutable_contact()->set_family_name(absl::StrCat("Lead", n));
        lead.mutable_contact()->set_email(
            absl::StrCat("l", client, "-", n, "-", run, "@x.example"));
        lead.set_industry_code(absl::StrCat("C", n % 12, ".1"));
        mv1::Lead created;
        const auto started = Clock::now();
        const grpc::Status status = stub->CreateLead(Context(30).get(), request, &created);
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        if (!status.ok() && errors++ == 0) Check(status, "CreateLead");
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies_ms.Add(mine);
    });
  }
  for (auto& t : threads) t.join();
  auto pct = [&](double p) { return latencies_ms.Percentile(p); };
  std::printf(
      "mix=leads clients=%d seconds=%d calls=%zu errors=%ld throughput=%.0f/s "
      "p50=%.2fms p99=%.2fms\n",
      o.clients, o.seconds, latencies_ms.size(), errors.load(),
      latencies_ms.size() / static_cast<double>(o.seconds), pct(0.5), pct(0.99));
  return errors.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  if (o.mix == "setup") return Setup(o);
  if (o.mix == "campaign") return Campaign(o);
  if (o.mix == "import") return Import(o);
  if (o.mix == "leads") return Leads(o);
  std::fprintf(stderr, "unknown --mix=%s\n", o.mix.c_str());
  return 2;
}
