// ListPartners over a real gRPC channel and a real SQLite file: filters by
// category, role, address, industry, customer class, display name and
// create_time, alone and combined; filter values as literal text; order_by
// with one or two keys; and paging that visits every partner exactly once,
// with page tokens bound to their query.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "services/partners/tests/partners_service_suite.h"

namespace crm::partners::testing::service_testing {
namespace {

using google::protobuf::util::TimeUtil;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Six partners to filter.
struct ListFixture {
  explicit ListFixture(Client& client) {
    pv1::Partner acme = OrganizationPartner("Acme Corp", "C26.2", "Berlin", "DE");
    *acme.add_roles() = CustomerRole(pv1::CUSTOMER_CLASS_A);
    created.push_back(client.Create(acme));

    pv1::Partner logistics = OrganizationPartner("Acme Logistics", "H49", "Paris", "FR");
    *logistics.add_roles() = SimpleRole(pv1::ROLE_TYPE_PROSPECT);
    created.push_back(client.Create(logistics));

    pv1::Partner beta = OrganizationPartner("Beta Systems", "C26.2", "München", "DE");
    *beta.add_roles() = CustomerRole(pv1::CUSTOMER_CLASS_B);
    *beta.add_roles() = ChannelPartnerRole(pv1::PARTNER_TIER_SILVER, {"DE-BY"});
    created.push_back(client.Create(beta));

    pv1::Partner anna = PersonPartner("Musterfrau", "Anna", "Berlin", "DE");
    *anna.add_roles() = CustomerRole(pv1::CUSTOMER_CLASS_A);
    created.push_back(client.Create(anna));

    pv1::Partner smiths = GroupPartner("Smith Family", pv1::GROUP_TYPE_HOUSEHOLD, "London", "GB");
    // A second address in Germany: country filters look at every address.
    *smiths.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_SHIPPING, "Hamburg", "DE");
    created.push_back(client.Create(smiths));

    pv1::Partner acmeish = PersonPartner("Acmeson", "Zoe", "Paris", "FR");
    *acmeish.add_roles() = SimpleRole(pv1::ROLE_TYPE_EMPLOYEE);
    created.push_back(client.Create(acmeish));
  }
  std::vector<pv1::Partner> created;
};

TEST_CASE("list partners with filters", "[partners][list]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  ListFixture fixture(client);

  using Names = std::vector<std::string>;
  CHECK(client.DisplayNames("") == Names{"Acme Corp", "Acme Logistics", "Acmeson, Zoe",
                                         "Beta Systems", "Musterfrau, Anna", "Smith Family"});
  CHECK(client.DisplayNames("category = PARTNER_CATEGORY_ORGANIZATION") ==
        Names{"Acme Corp", "Acme Logistics", "Beta Systems"});
  CHECK(client.DisplayNames("category = PARTNER_CATEGORY_GROUP") == Names{"Smith Family"});
  CHECK(client.DisplayNames("category != PARTNER_CATEGORY_ORGANIZATION") ==
        Names{"Acmeson, Zoe", "Musterfrau, Anna", "Smith Family"});
  CHECK(client.DisplayNames("role = ROLE_TYPE_CUSTOMER") ==
        Names{"Acme Corp", "Beta Systems", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("role = ROLE_TYPE_CHANNEL_PARTNER") == Names{"Beta Systems"});
  CHECK(client.DisplayNames("role = ROLE_TYPE_VENDOR").empty());
  CHECK(client.DisplayNames("country_code = \"DE\"") ==
        Names{"Acme Corp", "Beta Systems", "Musterfrau, Anna", "Smith Family"});
  CHECK(client.DisplayNames("country_code = \"FR\"") == Names{"Acme Logistics", "Acmeson, Zoe"});
  CHECK(client.DisplayNames("city = \"Berlin\"") == Names{"Acme Corp", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("city = \"München\"") == Names{"Beta Systems"});
  CHECK(client.DisplayNames("industry_code = \"C26.2\"") == Names{"Acme Corp", "Beta Systems"});
  CHECK(client.DisplayNames("customer_class = CUSTOMER_CLASS_A") ==
        Names{"Acme Corp", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("customer_class = CUSTOMER_CLASS_B") == Names{"Beta Systems"});
  CHECK(client.DisplayNames("display_name = \"Acme*\"") ==
        Names{"Acme Corp", "Acme Logistics", "Acmeson, Zoe"});
  CHECK(client.DisplayNames("display_name = \"Acme Corp\"") == Names{"Acme Corp"});

  // Combinations.
  CHECK(client.DisplayNames(
            "display_name = \"Acme*\" AND category = PARTNER_CATEGORY_ORGANIZATION") ==
        Names{"Acme Corp", "Acme Logistics"});
  CHECK(client.DisplayNames("country_code = \"DE\" AND role = ROLE_TYPE_CUSTOMER AND "
                            "NOT role = ROLE_TYPE_CHANNEL_PARTNER") ==
        Names{"Acme Corp", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("city = \"London\" OR city = \"Paris\"") ==
        Names{"Acme Logistics", "Acmeson, Zoe", "Smith Family"});
  CHECK(client.DisplayNames(
            "(category = PARTNER_CATEGORY_PERSON OR category = PARTNER_CATEGORY_GROUP)"
            " AND country_code = \"DE\"") == Names{"Musterfrau, Anna", "Smith Family"});

  // create_time: everything from the third partner on.
  const google::protobuf::Timestamp third = fixture.created[2].create_time();
  Names from_third;
  for (const pv1::Partner& p : fixture.created) {
    if (ToAbslTime(p.create_time()) >= ToAbslTime(third)) from_third.push_back(p.display_name());
  }
  REQUIRE(from_third.size() >= 4);
  const std::string since = absl::StrCat("create_time >= \"", TimeUtil::ToString(third), "\"");
  CHECK(client.DisplayNames(since) == Sorted(from_third));
  Names before_third;
  for (const pv1::Partner& p : fixture.created) {
    if (ToAbslTime(p.create_time()) < ToAbslTime(third)) before_third.push_back(p.display_name());
  }
  CHECK(client.DisplayNames(absl::StrCat("create_time < \"", TimeUtil::ToString(third), "\"")) ==
        Sorted(before_third));
  CHECK(client.DisplayNames(absl::StrCat(since, " AND country_code = \"FR\"")) ==
        Names{"Acmeson, Zoe"});

  // Every listed partner is complete: the same as Get.
  for (const pv1::Partner& listed : client.ListAll("")) {
    CHECK(ProtoDiff(client.Get(listed.name()), listed) == "");
  }
}

TEST_CASE("filter values are literal text", "[partners][list]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  for (const char* name : {"100% Bio GmbH", "1000 Teile GmbH", "Acme Corp", "Ab_c Handel",
                           "Abxc Handel", "O'Brien & Partner", "Star*Markt", "Star Markt"}) {
    client.Create(OrganizationPartner(name, "G47", "Dresden", "DE"));
  }
  using Names = std::vector<std::string>;
  // SQL LIKE wildcards in a value match only themselves.
  CHECK(client.DisplayNames("display_name = \"100%*\"") == Names{"100% Bio GmbH"});
  CHECK(client.DisplayNames("display_name = \"Ab_c*\"") == Names{"Ab_c Handel"});
  CHECK(client.DisplayNames("display_name = \"A_me*\"").empty());
  // Quotes of the other kind, and an escaped star that is no wildcard.
  CHECK(client.DisplayNames("display_name = \"O'Brien*\"") == Names{"O'Brien & Partner"});
  CHECK(client.DisplayNames("display_name = 'O\\'Brien & Partner'") == Names{"O'Brien & Partner"});
  CHECK(client.DisplayNames("display_name = \"Star\\*Markt\"") == Names{"Star*Markt"});
  CHECK(client.DisplayNames("display_name = \"Star*\"") == Names{"Star Markt", "Star*Markt"});
  CHECK(client.DisplayNames("display_name != \"Star*\" AND display_name != \"A*\"") ==
        Names{"100% Bio GmbH", "1000 Teile GmbH", "O'Brien & Partner"});
}

TEST_CASE("list partners in order", "[partners][list]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  ListFixture fixture(client);

  // Default: by create_time, oldest first.
  std::vector<std::string> by_creation;
  for (const pv1::Partner& p : fixture.created) by_creation.push_back(p.name());
  CHECK(client.Names("") == by_creation);
  CHECK(client.Names("", "create_time") == by_creation);
  CHECK(client.Names("", "create_time asc") == by_creation);
  const std::vector<std::string> newest_first(by_creation.rbegin(), by_creation.rend());
  CHECK(client.Names("", "create_time desc") == newest_first);
  CHECK(client.Names("", "update_time desc") == newest_first);

  std::vector<std::string> display_names = client.DisplayNames("", "display_name");
  CHECK(display_names == Sorted(display_names));
  REQUIRE(display_names.size() == 6);
  std::vector<std::string> descending = client.DisplayNames("", "display_name desc");
  CHECK(descending == std::vector<std::string>(display_names.rbegin(), display_names.rend()));

  // Two keys: by category-independent display name within a filter, newest first.
  std::vector<std::string> orgs_desc =
      client.DisplayNames("category = PARTNER_CATEGORY_ORGANIZATION", "create_time desc");
  CHECK(orgs_desc == std::vector<std::string>{"Beta Systems", "Acme Logistics", "Acme Corp"});
  CHECK(client.DisplayNames("", "display_name, create_time desc") == display_names);
}

TEST_CASE("paging visits every partner exactly once", "[partners][list][paging]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());

  // Five partners with the same display name: the order needs its tiebreaker.
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(
        client.Create(OrganizationPartner("Same Name AG", "J62", "Wien", "AT")).name());
  }
  const std::set<std::string> expected(created.begin(), created.end());
  REQUIRE(expected.size() == 5);

  for (const std::string order_by : {"", "create_time", "create_time desc", "display_name",
                                     "display_name desc", "update_time desc, display_name"}) {
    DYNAMIC_SECTION("order_by \"" << order_by << "\"") {
      int pages = 0;
      const std::vector<std::string> names = AllPages(client, "", order_by, 2, &pages);
      CHECK(pages == 3);
      CHECK(names.size() == 5);
      CHECK(std::set<std::string>(names.begin(), names.end()) == expected);
      const std::vector<std::string> unpaged = AllPages(client, "", order_by, 1000, &pages);
      CHECK(pages == 1);
      CHECK(names == unpaged);
    }
  }

  SECTION("with a filter") {
    client.Create(OrganizationPartner("Other GmbH", "J62", "Berlin", "DE"));
    int pages = 0;
    const std::vector<std::string> names =
        AllPages(client, "country_code = \"AT\"", "display_name", 2, &pages);
    CHECK(pages == 3);
    CHECK(std::set<std::string>(names.begin(), names.end()) == expected);
  }

  SECTION("names that differ only in case page like the unpaged order") {
    for (const char* name : {"same name ag", "SAME NAME AG", "Alpha", "alpha", "beta"}) {
      client.Create(OrganizationPartner(name, "J62", "Linz", "AT"));
    }
    for (const std::string order_by : {"display_name", "display_name desc"}) {
      INFO("order_by " << order_by);
      int pages = 0;
      const std::vector<std::string> paged = AllPages(client, "", order_by, 1, &pages);
      CHECK(pages == 10);
      CHECK(paged == AllPages(client, "", order_by, 1000, &pages));
      CHECK(std::set<std::string>(paged.begin(), paged.end()).size() == 10);
    }
  }

  SECTION("a page ending exactly at the end has no next token") {
    client.Create(OrganizationPartner("Sixth GmbH", "J62", "Berlin", "DE"));
    int pages = 0;
    const std::vector<std::string> names = AllPages(client, "", "", 3, &pages);
    CHECK(pages == 2);
    CHECK(names.size() == 6);
  }

  SECTION("the token is bound to its query") {
    pv1::ListPartnersResponse first = client.List("", "display_name", 2);
    REQUIRE_FALSE(first.next_page_token().empty());

    pv1::ListPartnersRequest request;
    request.set_page_size(2);
    request.set_page_token(first.next_page_token());
    request.set_order_by("display_name");
    request.set_filter("country_code = \"AT\"");  // changed filter
    pv1::ListPartnersResponse response;
    grpc::Status status = client.TryList(request, &response);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(HasViolation(status, "page_token"));

    request.set_filter("");
    request.set_order_by("create_time");  // changed order
    status = client.TryList(request, &response);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(HasViolation(status, "page_token"));

    // The same query goes on, also with another page size (AIP-158).
    request.set_order_by("display_name");
    request.set_page_size(10);
    status = client.TryList(request, &response);
    REQUIRE(StatusText(status) == "OK");
    CHECK(response.partners_size() == 3);
    CHECK(response.next_page_token().empty());
  }

  SECTION("a partner created between pages shows up once at most, others exactly once") {
    pv1::ListPartnersResponse first = client.List("", "", 2);
    const std::string late =
        client.Create(OrganizationPartner("Late AG", "J62", "Graz", "AT")).name();
    std::vector<std::string> names;
    for (const pv1::Partner& p : first.partners()) names.push_back(p.name());
    std::string token = first.next_page_token();
    while (!token.empty()) {
      pv1::ListPartnersResponse page = client.List("", "", 2, token);
      for (const pv1::Partner& p : page.partners()) names.push_back(p.name());
      token = page.next_page_token();
    }
    std::set<std::string> seen(names.begin(), names.end());
    CHECK(seen.size() == names.size());
    for (const std::string& name : expected) CHECK(seen.count(name) == 1);
    // Ordered by create_time, the newest partner comes last.
    CHECK(names.back() == late);
  }
}

}  // namespace
}  // namespace crm::partners::testing::service_testing
