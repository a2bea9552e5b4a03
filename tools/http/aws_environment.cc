// FindAwsCredentials and FindAwsRegion (see http_client.h): the standard AWS environment
// variables and shared files, in the order the aws CLI reads them.
#include <cstdlib>
#include <optional>
#include <string>

#include "tools/http/aws_ini.h"
#include "tools/http/http_client.h"

namespace freshet::http {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string ProfileName() {
  std::string profile = Env("AWS_PROFILE");
  return profile.empty() ? "default" : profile;
}

// $VAR, else ~/.aws/NAME.
std::string SharedFile(const char* variable, const char* name) {
  std::string path = Env(variable);
  if (!path.empty()) return path;
  std::string home = Env("HOME");
  return home.empty() ? std::string() : home + "/.aws/" + name;
}

const std::map<std::string, std::string>* Section(const IniSections& sections, const std::string& name) {
  auto it = sections.find(name);
  return it == sections.end() ? nullptr : &it->second;
}

std::string Value(const std::map<std::string, std::string>& section, const std::string& key) {
  auto it = section.find(key);
  return it == section.end() ? std::string() : it->second;
}

std::optional<AwsCredentials> CredentialsIn(const std::map<std::string, std::string>* section) {
  if (section == nullptr) return std::nullopt;
  AwsCredentials creds{Value(*section, "aws_access_key_id"), Value(*section, "aws_secret_access_key"),
                       Value(*section, "aws_session_token")};
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return std::nullopt;
  return creds;
}

// The profile's section in the config file: "[default]" or "[profile NAME]".
const std::map<std::string, std::string>* ConfigSection(const IniSections& sections, const std::string& profile) {
  if (profile == "default") {
    if (const auto* section = Section(sections, "default")) return section;
  }
  return Section(sections, "profile " + profile);
}

}  // namespace

std::optional<AwsCredentials> FindAwsCredentials() {
  AwsCredentials env{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN")};
  if (!env.access_key_id.empty() && !env.secret_access_key.empty()) return env;
  std::string profile = ProfileName();
  std::string credentials_file = SharedFile("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  if (!credentials_file.empty()) {
    auto sections = ReadIniFile(credentials_file);
    if (sections.ok()) {
      if (auto creds = CredentialsIn(Section(*sections, profile))) return creds;
    }
  }
  std::string config_file = SharedFile("AWS_CONFIG_FILE", "config");
  if (!config_file.empty()) {
    auto sections = ReadIniFile(config_file);
    if (sections.ok()) {
      if (auto creds = CredentialsIn(ConfigSection(*sections, profile))) return creds;
    }
  }
  return std::nullopt;
}

std::string FindAwsRegion() {
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string region = Env(variable);
    if (!region.empty()) return region;
  }
  std::string config_file = SharedFile("AWS_CONFIG_FILE", "config");
  if (!config_file.empty()) {
    auto sections = ReadIniFile(config_file);
    if (sections.ok()) {
      if (const auto* section = ConfigSection(*sections, ProfileName())) {
        std::string region = Value(*section, "region");
        if (!region.empty()) return region;
      }
    }
  }
  return "us-east-1";
}

}  // namespace freshet::http
