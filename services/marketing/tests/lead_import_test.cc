// ImportLeads over a real channel and file: CSV streamed in small chunks
// split anywhere, one result per row (created, duplicate, rejected with the
// column and why), the header checked before anything is written, and a
// second import of the same file creating nothing new.
#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

struct Imported {
  grpc::Status status;
  std::vector<mv1::LeadImportResult> results;
  int responses = 0;
};

class ImportFixture : public MarketingBesidePeers {
 public:
  ImportFixture() : MarketingBesidePeers(Peers{false, false}) {}

  Imported Import(const std::string& csv, size_t chunk,
                  const mv1::LeadImportSettings& settings = {}) {
    auto context = crm::testing::ContextWithDeadline(30);
    auto stream = leads_->ImportLeads(context.get());
    Imported out;
    for (size_t at = 0; at < csv.size() || at == 0; at += chunk) {
      mv1::ImportLeadsRequest request;
      if (at == 0) *request.mutable_settings() = settings;
      request.set_csv_chunk(csv.substr(at, chunk));
      if (!stream->Write(request)) break;
      if (csv.empty()) break;
    }
    stream->WritesDone();
    mv1::ImportLeadsResponse response;
    while (stream->Read(&response)) {
      ++out.responses;
      for (const auto& result : response.results()) out.results.push_back(result);
    }
    out.status = stream->Finish();
    return out;
  }

  mv1::Lead Lead(const std::string& name) {
    mv1::GetLeadRequest get;
    get.set_name(name);
    return MustCall(*leads_, &LeadStub::GetLead, get);
  }

  int LeadCount() {
    mv1::ListLeadsRequest request;
    request.set_page_size(1000);
    return MustCall(*leads_, &LeadStub::ListLeads, request).leads_size();
  }
};

std::string Describe(const mv1::LeadImportResult& r) {
  return absl::StrCat(r.line(), " ", mv1::LeadImportOutcome_Name(r.outcome()), " ", r.column());
}

const char kList[] =
    "family_name,given_name,company_name,email,country_code,estimated_value,currency_code,notes\n"
    "Huber,Anna,\"Huber, Söhne & Co\",anna@huber.example,de,48000.50,EUR,\"met at the fair, "
    "\"\"call\"\"\"\n"
    "Brandl,Jonas,,not-an-address,DE,,,\n"
    "Weber,Eva,Weber KG,ANNA@huber.example,DE,,,same address as Huber\n"
    "Kunz,,,kunz@example.com,DE,lots,EUR,\n"
    "Short,row\n"
    "Maier,Max,,max@maier.example,XX,,,\n"
    ",Nobody,,nobody@example.com,DE,,,\n"
    "Lang,Lena,Lang GmbH,lena@lang.example,AT,1200,,\n"
    "Ott,Otto,Ott AG,otto@ott.example,CH,900,CHF,last line without a break";

TEST_CASE_METHOD(ImportFixture, "an import gives each row its result, however it is chunked") {
  for (size_t chunk : {7u, 64u, 100000u}) {
    ImportFixture fresh;
    const Imported imported = fresh.Import(kList, chunk);
    INFO("chunk " << chunk << ": " << imported.status.error_message());
    REQUIRE(imported.status.ok());
    Strings outcomes;
    for (const auto& r : imported.results) outcomes.push_back(Describe(r));
    CHECK(outcomes ==
          Strings{
              "2 LEAD_IMPORT_OUTCOME_CREATED ", "3 LEAD_IMPORT_OUTCOME_REJECTED email",
              "4 LEAD_IMPORT_OUTCOME_DUPLICATE ", "5 LEAD_IMPORT_OUTCOME_REJECTED estimated_value",
              "6 LEAD_IMPORT_OUTCOME_REJECTED ", "7 LEAD_IMPORT_OUTCOME_REJECTED country_code",
              "8 LEAD_IMPORT_OUTCOME_REJECTED family_name",
              "9 LEAD_IMPORT_OUTCOME_REJECTED currency_code", "10 LEAD_IMPORT_OUTCOME_CREATED "});
    REQUIRE(imported.results.size() == 9);
    // The duplicate names the lead line 2 created, whatever the case.
    CHECK(imported.results[2].lead() == imported.results[0].lead());
    CHECK(imported.results[1].reason() ==
          "must be a valid e-mail address, e.g. \"ann@example.com\"");
    CHECK(fresh.LeadCount() == 2);

    const mv1::Lead huber = fresh.Lead(imported.results[0].lead());
    CHECK(huber.source() == mv1::LEAD_SOURCE_PURCHASED_LIST);
    CHECK(huber.display_name() == "Huber, Söhne & Co");
    CHECK(huber.contact().company_name() == "Huber, Söhne & Co");
    CHECK(huber.country_code() == "DE");
    CHECK(huber.estimated_value().units() == 48000);
    CHECK(huber.estimated_value().nanos() == 500000000);
    CHECK(huber.notes() == "met at the fair, \"call\"");
    CHECK(huber.state() == mv1::LEAD_STATE_OPEN);
  }
}

TEST_CASE_METHOD(ImportFixture, "importing the same list again creates nothing new") {
  REQUIRE(Import(kList, 50).status.ok());
  const Imported again = Import(kList, 50);
  REQUIRE(again.status.ok());
  int created = 0, duplicates = 0;
  for (const auto& r : again.results) {
    created += r.outcome() == mv1::LEAD_IMPORT_OUTCOME_CREATED ? 1 : 0;
    duplicates += r.outcome() == mv1::LEAD_IMPORT_OUTCOME_DUPLICATE ? 1 : 0;
  }
  CHECK(created == 0);
  CHECK(duplicates == 3);
  CHECK(LeadCount() == 2);
}

TEST_CASE_METHOD(ImportFixture, "a bad header ends the import before anything is written") {
  for (const char* header : {"family_name,e_mail\nHuber,a@b.example\n",
                             "family_name,email,email\nHuber,a@b.example,c@d.example\n",
                             "given_name,email\nAnna,a@b.example\n"}) {
    INFO(header);
    const Imported imported = Import(header, 5);
    CHECK(Outcome(imported.status) == "INVALID_ARGUMENT csv_chunk");
    CHECK(imported.results.empty());
  }
  CHECK(LeadCount() == 0);
}

TEST_CASE_METHOD(ImportFixture,
                 "import settings: source, campaign and scoring apply to every row") {
  mv1::CreateLeadScoringRuleRequest rule;
  rule.mutable_lead_scoring_rule()->set_display_name("Fair");
  rule.mutable_lead_scoring_rule()->mutable_condition()->add_sources(mv1::LEAD_SOURCE_EVENT);
  rule.mutable_lead_scoring_rule()->set_points(45);
  MustCall(*leads_, &LeadStub::CreateLeadScoringRule, rule);

  mv1::LeadImportSettings settings;
  settings.set_source(mv1::LEAD_SOURCE_EVENT);
  settings.set_campaign("campaigns/unknown");
  CHECK(Outcome(Import("family_name,email\nHuber,a@b.example\n", 100, settings).status) ==
        "NOT_FOUND");
  settings.set_campaign("not a name");
  CHECK(Outcome(Import("family_name,email\nHuber,a@b.example\n", 100, settings).status) ==
        "INVALID_ARGUMENT settings.campaign");
  CHECK(LeadCount() == 0);

  settings.clear_campaign();
  const Imported imported = Import("family_name,email\r\nHuber,a@b.example\r\n", 3, settings);
  REQUIRE(imported.status.ok());
  REQUIRE(imported.results.size() == 1);
  mv1::GetLeadRequest get;
  get.set_name(imported.results[0].lead());
  const mv1::Lead lead = MustCall(*leads_, &LeadStub::GetLead, get);
  CHECK(lead.source() == mv1::LEAD_SOURCE_EVENT);
  CHECK(lead.score() == 45);
  CHECK(lead.level() == mv1::LEAD_LEVEL_WARM);
  CHECK(lead.display_name() == "Huber");
}

TEST_CASE_METHOD(ImportFixture, "an empty import is fine and creates nothing") {
  const Imported imported = Import("", 10);
  CHECK(imported.status.ok());
  CHECK(imported.results.empty());
  CHECK(LeadCount() == 0);
}

}  // namespace
}  // namespace crm::marketing::testing
