// The typed partners client against a real service: results and errors come
// through intact, deadlines hold, and only safe calls are retried while the
// service is unreachable.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "services/partners/client/partners_client.h"
#include "services/partners/partners_spec.h"

namespace {

namespace pv1 = crm::partners::v1;
using crm::partners::PartnersClient;

pv1::CreatePartnerRequest NewOrganization(const std::string& legal_name,
                                          const std::string& request_id = "") {
  pv1::CreatePartnerRequest request;
  request.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  request.mutable_partner()->mutable_organization()->set_legal_name(legal_name);
  request.set_request_id(request_id);
  return request;
}

absl::Time In(absl::Duration d) { return absl::Now() + d; }

// A partners service that starts on `port` only when Start() is called.
class LateService {
 public:
  explicit LateService(int port) : port_(port) {}
  ~LateService() {
    if (host_) host_->Shutdown(absl::Seconds(1));
  }
  void Start() {
    crm::server::ServiceSpec spec = crm::partners::PartnersSpec();
    crm::server::ServiceConfig config = spec.defaults;
    config.grpc_address = absl::StrCat("127.0.0.1:", port_);
    config.metrics_address = "";
    config.db_path = absl::StrCat(dir_.path(), "/partners.db");
    auto host = crm::server::ServiceHost::Start(spec, config);
    REQUIRE(host.ok());
    host_ = *std::move(host);
  }
  crm::server::ServiceHost* host() { return host_.get(); }

 private:
  int port_;
  crm::testing::TempDir dir_;
  std::unique_ptr<crm::server::ServiceHost> host_;
};

}  // namespace

TEST_CASE("client: calls reach the service and errors keep their details", "[client]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  PartnersClient client(service.channel());

  auto created = client.CreatePartner(NewOrganization("Alvis Computers GmbH", "req-1"), In(absl::Seconds(5)));
  REQUIRE(created.ok());
  CHECK(created->display_name() == "Alvis Computers GmbH");

  auto again = client.CreatePartner(NewOrganization("Alvis Computers GmbH", "req-1"), In(absl::Seconds(5)));
  REQUIRE(again.ok());
  CHECK(again->name() == created->name());

  auto got = client.GetPartner(created->name(), In(absl::Seconds(5)));
  REQUIRE(got.ok());
  CHECK(got->etag() == created->etag());

  pv1::ListPartnersRequest list;
  list.set_filter("category = ORGANIZATION");
  auto listed = client.ListPartners(list, In(absl::Seconds(5)));
  REQUIRE(listed.ok());
  REQUIRE(listed->partners_size() == 1);

  pv1::UpdatePartnerRequest update;
  *update.mutable_partner() = *got;
  update.mutable_partner()->mutable_organization()->set_legal_form("GmbH");
  update.mutable_update_mask()->add_paths("organization.legal_form");
  auto updated = client.UpdatePartner(update, In(absl::Seconds(5)));
  REQUIRE(updated.ok());
  CHECK(updated->organization().legal_form() == "GmbH");

  // The old etag is stale now.
  auto stale = client.UpdatePartner(update, In(absl::Seconds(5)));
  CHECK(stale.status().code() == absl::StatusCode::kAborted);

  pv1::AddPartnerRoleRequest add;
  add.set_name(created->name());
  add.mutable_role()->set_type(pv1::ROLE_TYPE_CUSTOMER);
  add.mutable_role()->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  add.set_etag(updated->etag());
  auto with_role = client.AddPartnerRole(add, In(absl::Seconds(5)));
  REQUIRE(with_role.ok());
  REQUIRE(with_role->roles_size() == 1);

  pv1::RemovePartnerRoleRequest remove;
  remove.set_name(created->name());
  remove.set_role_type(pv1::ROLE_TYPE_CUSTOMER);
  auto without_role = client.RemovePartnerRole(remove, In(absl::Seconds(5)));
  REQUIRE(without_role.ok());
  CHECK(without_role->roles_size() == 0);

  auto invalid = client.CreatePartner(NewOrganization(""), In(absl::Seconds(5)));
  REQUIRE(invalid.status().code() == absl::StatusCode::kInvalidArgument);
  const auto violations = crm::FieldViolationsOf(invalid.status());
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "partner.organization.legal_name");

  pv1::DeletePartnerRequest del;
  del.set_name(created->name());
  REQUIRE(client.DeletePartner(del, In(absl::Seconds(5))).ok());
  CHECK(client.GetPartner(created->name(), In(absl::Seconds(5))).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("client: a call without a deadline gets the default timeout", "[client]") {
  const int port = crm::testing::FreePort();  // nothing listens there
  crm::partners::PartnersClientOptions options;
  options.default_timeout = absl::Milliseconds(400);
  PartnersClient client(PartnersClient::MakeChannel(absl::StrCat("127.0.0.1:", port)), options);
  const auto started = std::chrono::steady_clock::now();
  auto got = client.GetPartner("partners/x", absl::InfiniteFuture());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK((got.status().code() == absl::StatusCode::kUnavailable ||
         got.status().code() == absl::StatusCode::kDeadlineExceeded));
  CHECK(seconds >= 0.2);  // it retried rather than giving up at once
  CHECK(seconds < 3.0);   // and stopped at the deadline, not later
}

TEST_CASE("client: a create with a request id waits for the service, one without does not",
          "[client]") {
  const int port = crm::testing::FreePort();
  LateService late(port);
  PartnersClient client(PartnersClient::MakeChannel(absl::StrCat("127.0.0.1:", port)));

  // Without a request id a create is not repeated: it fails at once.
  auto unsafe = client.CreatePartner(NewOrganization("Not Retried AG"), In(absl::Seconds(5)));
  CHECK(unsafe.status().code() == absl::StatusCode::kUnavailable);

  // With a request id it is retried until the service is up.
  std::thread starter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    late.Start();
  });
  auto safe = client.CreatePartner(NewOrganization("Retried AG", "req-late"), In(absl::Seconds(10)));
  starter.join();
  REQUIRE(safe.ok());

  pv1::ListPartnersRequest list;
  auto listed = client.ListPartners(list, In(absl::Seconds(5)));
  REQUIRE(listed.ok());
  REQUIRE(listed->partners_size() == 1);  // the unsafe create never happened
  CHECK(listed->partners(0).display_name() == "Retried AG");
}
