// crm-servicedesk-load: drives a running service desk (with partners beside
// it) and prints how its service-level watch and knowledge base hold up. A
// benchmark, not a test.
//
//   crm-servicedesk-load --mix=tickets --clients=8 --seconds=10
//       creates tickets for an A-class customer under 10 SLA policies on a
//       Mon-Fri 08:00-17:00 calendar, as fast as it can.
//   crm-servicedesk-load --mix=breaches --tickets=5000
//       creates that many tickets whose first response is due 5 seconds
//       later, then reads /metrics until the service has found every
//       breach: how long after the last due time that took.
//   crm-servicedesk-load --mix=knowledge --articles=10000 --clients=8
//       publishes that many articles, then searches and suggests.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/process_harness.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/servicedesk/v1/knowledge_service.grpc.pb.h"
#include "crm/servicedesk/v1/sla_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "tools/loadgen/load_support.h"

namespace {

namespace dv1 = crm::servicedesk::v1;
namespace pv1 = crm::partners::v1;
using crm::loadgen::CheckStatus;
using crm::loadgen::ClientChannel;
using crm::loadgen::Deadline;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:50054";
  std::string partners_address = "127.0.0.1:50051";
  int metrics_port = 9404;
  std::string mix = "tickets";
  int clients = 8;
  int seconds = 10;
  int tickets = 5000;
  int articles = 10000;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    auto value = [&](const char* flag) { return crm::loadgen::FlagValue(argv[i], flag); };
    if (const char* v = value("--target="))
      o.target = v;
    else if (const char* v = value("--partners_address="))
      o.partners_address = v;
    else if (const char* v = value("--metrics_port="))
      o.metrics_port = std::atoi(v);
    else if (const char* v = value("--mix="))
      o.mix = v;
    else if (const char* v = value("--clients="))
      o.clients = std::max(1, std::atoi(v));
    else if (const char* v = value("--seconds="))
      o.seconds = std::max(1, std::atoi(v));
    else if (const char* v = value("--tickets="))
      o.tickets = std::max(1, std::atoi(v));
    else if (const char* v = value("--articles="))
      o.articles = std::max(1, std::atoi(v));
    else {
      std::fprintf(stderr,
                   "usage: crm-servicedesk-load [--target=host:port] "
                   "[--partners_address=host:port] [--metrics_port=N] "
                   "[--mix=tickets|breaches|knowledge] [--clients=N] [--seconds=N] "
                   "[--tickets=N] [--articles=N]\n");
      std::exit(2);
    }
  }
  return o;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string ClassACustomer(const Options& o) {
  auto stub = pv1::PartnerService::NewStub(
      grpc::CreateChannel(o.partners_address, grpc::InsecureChannelCredentials()));
  pv1::CreatePartnerRequest request;
  request.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  request.mutable_partner()->mutable_organization()->set_legal_name("Load Test GmbH");
  pv1::Role& role = *request.mutable_partner()->add_roles();
  role.set_type(pv1::ROLE_TYPE_CUSTOMER);
  role.mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  pv1::Partner made;
  if (!CheckStatus(stub->CreatePartner(Deadline(30).get(), request, &made), "CreatePartner")) {
    std::exit(1);
  }
  return made.name();
}

// A calendar open `from`-`to` on the given weekdays.
std::string Calendar(dv1::SlaService::Stub& sla, int last_day, const std::string& from,
                     const std::string& to) {
  dv1::CreateSlaCalendarRequest request;
  request.mutable_sla_calendar()->set_display_name("load");
  request.mutable_sla_calendar()->set_time_zone("Europe/Berlin");
  for (int day = dv1::WEEKDAY_MONDAY; day <= last_day; ++day) {
    dv1::BusinessHours& hours = *request.mutable_sla_calendar()->add_business_hours();
    hours.set_day(static_cast<dv1::Weekday>(day));
    hours.set_start_time(from);
    hours.set_end_time(to);
  }
  dv1::SlaCalendar made;
  if (!CheckStatus(sla.CreateSlaCalendar(Deadline(30).get(), request, &made), "calendar")) {
    std::exit(1);
  }
  return made.name();
}

void Policy(dv1::SlaService::Stub& sla, const std::string& calendar, int precedence,
            int response_seconds, dv1::TicketPriority priority) {
  dv1::CreateSlaPolicyRequest request;
  dv1::SlaPolicy& policy = *request.mutable_sla_policy();
  policy.set_display_name(absl::StrCat("load ", precedence));
  policy.set_calendar(calendar);
  policy.set_precedence(precedence);
  if (priority != dv1::TICKET_PRIORITY_UNSPECIFIED) policy.add_priorities(priority);
  policy.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  policy.mutable_first_response_target()->set_seconds(response_seconds);
  policy.mutable_resolution_target()->set_seconds(response_seconds * 8);
  policy.add_escalation_teams("2ND-LEVEL");
  dv1::SlaPolicy made;
  if (!CheckStatus(sla.CreateSlaPolicy(Deadline(30).get(), request, &made), "policy")) {
    std::exit(1);
  }
}

dv1::CreateTicketRequest TicketRequest(const std::string& customer, long n) {
  dv1::CreateTicketRequest request;
  dv1::Ticket& ticket = *request.mutable_ticket();
  ticket.set_type(dv1::TICKET_TYPE_INCIDENT);
  ticket.set_title(absl::StrCat("Monitor flickers ", n));
  ticket.set_customer(customer);
  ticket.set_channel(dv1::TICKET_CHANNEL_PHONE);
  ticket.set_priority(static_cast<dv1::TicketPriority>(1 + n % 4));
  return request;
}

int Tickets(const Options& o) {
  const std::string customer = ClassACustomer(o);
  auto sla =
      dv1::SlaService::NewStub(grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()));
  const std::string calendar = Calendar(*sla, dv1::WEEKDAY_FRIDAY, "08:00", "17:00");
  for (int i = 0; i < 10; ++i) {
    Policy(*sla, calendar, 10 * i, 3600 * (1 + i),
           i < 8 ? static_cast<dv1::TicketPriority>(1 + i % 4) : dv1::TICKET_PRIORITY_UNSPECIFIED);
  }
  crm::loadgen::LoopResult result =
      crm::loadgen::RunClosedLoop(o.clients, o.seconds, "CreateTicket", [&](int client) {
        auto stub = std::shared_ptr<dv1::TicketService::Stub>(
            dv1::TicketService::NewStub(ClientChannel(o.target, client)));
        return [stub, customer](long n) {
          dv1::Ticket made;
          return stub->CreateTicket(Deadline(30).get(), TicketRequest(customer, n), &made);
        };
      });
  crm::loadgen::PrintLoop("mix=tickets", o.clients, o.seconds, result);
  return result.errors == 0 ? 0 : 1;
}

// The first-response breaches counted in /metrics; -1 when unreadable.
long BreachesCounted(int metrics_port) {
  const std::string text = crm::testing::FetchMetrics(metrics_port);
  const std::string key = "crm_servicedesk_sla_breaches_total{target=\"first_response\"} ";
  const size_t at = text.find(key);
  if (at == std::string::npos) return -1;
  double value = 0;
  const size_t end = text.find('\n', at);
  if (!absl::SimpleAtod(text.substr(at + key.size(), end - at - key.size()), &value)) return -1;
  return static_cast<long>(value);
}

int Breaches(const Options& o) {
  const std::string customer = ClassACustomer(o);
  auto sla =
      dv1::SlaService::NewStub(grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()));
  Policy(*sla, Calendar(*sla, dv1::WEEKDAY_SUNDAY, "00:00", "24:00"), 0, 5,
         dv1::TICKET_PRIORITY_UNSPECIFIED);
  const long before = std::max(0L, BreachesCounted(o.metrics_port));
  std::atomic<long> next{0}, errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int client = 0; client < o.clients; ++client) {
    threads.emplace_back([&, client] {
      auto stub = dv1::TicketService::NewStub(ClientChannel(o.target, client));
      for (long n; (n = next++) < o.tickets;) {
        dv1::Ticket made;
        if (!stub->CreateTicket(Deadline(30).get(), TicketRequest(customer, n), &made).ok()) {
          ++errors;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double create_seconds = SecondsSince(start);
  // The last ticket is due 5 s after it was created.
  const auto last_due = Clock::now() + std::chrono::seconds(5);
  long counted = 0;
  while ((counted = BreachesCounted(o.metrics_port) - before) < o.tickets - errors.load() &&
         SecondsSince(start) < 600) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double lag = std::chrono::duration<double>(Clock::now() - last_due).count();
  std::printf(
      "mix=breaches tickets=%d created in %.2f s (%.0f/s), errors=%ld, breaches found=%ld, "
      "all found %.2f s after the last due time\n",
      o.tickets, create_seconds, o.tickets / create_seconds, errors.load(), counted, lag);
  return errors.load() == 0 && counted >= o.tickets ? 0 : 1;
}

// Text from a vocabulary of 2,000 made-up words, skewed so that some are
// common and most are rare, like real articles.
class Words {
 public:
  Words() {
    const char* syllables[] = {"ka",  "lo",  "mi",  "ne",  "ru",  "sa",  "ti",
                               "vo",  "ze",  "pa",  "fle", "dro", "gan", "hup",
                               "jor", "kel", "mas", "nor", "pli", "quo"};
    for (int i = 0; i < 2000; ++i) {
      words_.push_back(absl::StrCat(syllables[i % 20], syllables[(i / 20) % 20],
                                    syllables[(i / 400) % 20], "x"));
    }
  }
  std::string Text(std::mt19937& random, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) absl::StrAppend(&out, i ? " " : "", Pick(random));
    return out;
  }
  const std::string& Pick(std::mt19937& random) {
    // Squares skew towards the front of the list.
    const double u = std::uniform_real_distribution<double>(0, 1)(random);
    return words_[static_cast<size_t>(u * u * words_.size()) % words_.size()];
  }

 private:
  std::vector<std::string> words_;
};

int Knowledge(const Options& o) {
  Words words;
  std::atomic<long> next{0}, errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int client = 0; client < o.clients; ++client) {
    threads.emplace_back([&, client] {
      std::mt19937 random(client);
      auto stub = dv1::KnowledgeService::NewStub(ClientChannel(o.target, client));
      for (long n; (n = next++) < o.articles;) {
        dv1::CreateKnowledgeArticleRequest request;
        dv1::KnowledgeArticle& article = *request.mutable_knowledge_article();
        article.set_title(words.Text(random, 6));
        article.set_symptoms(words.Text(random, 40));
        article.set_cause(words.Text(random, 30));
        article.set_solution(words.Text(random, 120));
        article.set_state(dv1::ARTICLE_STATE_PUBLISHED);
        dv1::KnowledgeArticle made;
        if (!stub->CreateKnowledgeArticle(Deadline(30).get(), request, &made).ok()) ++errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double create_seconds = SecondsSince(start);
  std::printf("mix=knowledge articles=%d published in %.2f s (%.0f/s), errors=%ld\n", o.articles,
              create_seconds, o.articles / create_seconds, errors.load());

  crm::loadgen::LoopResult search =
      crm::loadgen::RunClosedLoop(o.clients, o.seconds, "SearchKnowledgeArticles", [&](int client) {
        auto stub = std::shared_ptr<dv1::KnowledgeService::Stub>(
            dv1::KnowledgeService::NewStub(ClientChannel(o.target, client)));
        auto random = std::make_shared<std::mt19937>(100 + client);
        return [stub, random, &words](long) {
          dv1::SearchKnowledgeArticlesRequest request;
          request.set_query(absl::StrCat(words.Pick(*random), " ", words.Pick(*random)));
          request.set_page_size(20);
          dv1::SearchKnowledgeArticlesResponse response;
          return stub->SearchKnowledgeArticles(Deadline(30).get(), request, &response);
        };
      });
  crm::loadgen::PrintLoop("search (2 words, 20 a page)", o.clients, o.seconds, search);

  // Tickets to suggest for: their text from the same words.
  const std::string customer = ClassACustomer(o);
  auto tickets = dv1::TicketService::NewStub(
      grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()));
  std::vector<std::string> ticket_names;
  std::mt19937 random(7);
  for (int i = 0; i < 100; ++i) {
    dv1::CreateTicketRequest request = TicketRequest(customer, i);
    request.mutable_ticket()->set_title(words.Text(random, 6));
    request.mutable_ticket()->set_description(words.Text(random, 30));
    dv1::Ticket made;
    if (!CheckStatus(tickets->CreateTicket(Deadline(30).get(), request, &made), "ticket")) {
      return 1;
    }
    ticket_names.push_back(made.name());
  }
  crm::loadgen::LoopResult suggest = crm::loadgen::RunClosedLoop(
      o.clients, o.seconds, "SuggestKnowledgeArticles", [&](int client) {
        auto stub = std::shared_ptr<dv1::KnowledgeService::Stub>(
            dv1::KnowledgeService::NewStub(ClientChannel(o.target, client)));
        return [stub, &ticket_names](long n) {
          dv1::SuggestKnowledgeArticlesRequest request;
          request.set_ticket(ticket_names[static_cast<size_t>(n) % ticket_names.size()]);
          dv1::SuggestKnowledgeArticlesResponse response;
          return stub->SuggestKnowledgeArticles(Deadline(30).get(), request, &response);
        };
      });
  crm::loadgen::PrintLoop("suggest (36-word tickets)", o.clients, o.seconds, suggest);
  return errors.load() == 0 && search.errors == 0 && suggest.errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  if (o.mix == "tickets") return Tickets(o);
  if (o.mix == "breaches") return Breaches(o);
  if (o.mix == "knowledge") return Knowledge(o);
  std::fprintf(stderr, "unknown --mix=%s\n", o.mix.c_str());
  return 2;
}
