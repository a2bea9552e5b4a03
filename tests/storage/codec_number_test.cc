#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "storage/codec.h"

namespace freshet::codec {
namespace {

std::string Enc(std::string_view text) {
  std::string s;
  Status st = PutOrderedNumber(&s, text);
  EXPECT_TRUE(st.ok()) << text << ": " << st.ToString();
  return s;
}

std::string Canon(std::string_view text) {
  auto r = CanonicalNumber(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : "";
}

TEST(CodecNumberTest, CanonicalForms) {
  EXPECT_EQ(Canon("0"), "0");
  EXPECT_EQ(Canon("-0.000"), "0");
  EXPECT_EQ(Canon("22.80"), "22.8");
  EXPECT_EQ(Canon("007.5"), "7.5");
  EXPECT_EQ(Canon("0.05"), "0.05");
  EXPECT_EQ(Canon("-12.5e3"), "-12500");
  EXPECT_EQ(Canon("1E+39"), "1" + std::string(39, '0'));
  EXPECT_EQ(Canon("1E+40"), "1E+40");
  EXPECT_EQ(Canon("1e41"), "1E+41");
  EXPECT_EQ(Canon("1.5e-10"), "1.5E-10");
  EXPECT_EQ(Canon("+3"), "3");
  EXPECT_EQ(Canon("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678");
}

TEST(CodecNumberTest, RejectsWhatDynamoDbRejects) {
  for (const char* bad : {"", "-", "abc", "1.2.3", "1e", "1e+", "12a", "--1", ".", "1e126", "1e-131",
                          "123456789012345678901234567890123456789"}) {
    std::string s;
    EXPECT_FALSE(PutOrderedNumber(&s, bad).ok()) << bad;
    EXPECT_TRUE(s.empty()) << bad;
  }
  std::string s;
  EXPECT_TRUE(PutOrderedNumber(&s, "9.9999999999999999999999999999999999999E+125").ok());
  EXPECT_TRUE(PutOrderedNumber(&s, "1E-130").ok());
}

TEST(CodecNumberTest, DecodeReturnsCanonicalText) {
  for (const char* text : {"0", "-1", "1", "22.8", "-0.001", "1E+41", "1E+40", "-7.25e-20", "100"}) {
    std::string enc = Enc(text) + "x";
    std::string_view in(enc);
    std::string back;
    ASSERT_TRUE(GetOrderedNumber(&in, &back)) << text;
    EXPECT_EQ(back, Canon(text));
    EXPECT_EQ(in, "x");
  }
}

// Random numbers m x 10^k, compared exactly with 128-bit integers as the reference order.
TEST(CodecNumberTest, ByteOrderEqualsNumericOrderOnRandomDecimals) {
  std::mt19937_64 rng(2024);
  struct Sample {
    __int128 scaled;  // m * 10^(k + 9)
    std::string text;
    std::string enc;
  };
  std::vector<Sample> samples;
  for (int i = 0; i < 20000; ++i) {
    int64_t m = static_cast<int64_t>(rng() % 1000000000) * ((rng() & 1) ? -1 : 1);
    if (rng() % 10 == 0) m = static_cast<int64_t>(rng() % 10) * ((rng() & 1) ? -1 : 1);
    int k = static_cast<int>(rng() % 19) - 9;
    __int128 scaled = m;
    for (int j = 0; j < k + 9; ++j) scaled *= 10;
    // Spell the same value in one of several ways.
    std::string text;
    switch (rng() % 3) {
      case 0: text = std::to_string(m) + "e" + std::to_string(k); break;
      case 1: text = std::to_string(m) + (k >= 0 ? "E+" : "E") + std::to_string(k); break;
      default: {
        // plain decimal with the point placed by k (only for k <= 0)
        if (k <= 0) {
          std::string digits = std::to_string(m < 0 ? -m : m);
          while (static_cast<int>(digits.size()) <= -k) digits = "0" + digits;
          if (k < 0) digits.insert(digits.size() + k, ".");
          text = (m < 0 ? "-" : "") + digits + (k < 0 ? "00" : "");
        } else {
          text = std::to_string(m) + std::string(k, '0');
        }
      }
    }
    samples.push_back({scaled, text, Enc(text)});
  }
  std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.enc < b.enc; });
  for (size_t i = 1; i < samples.size(); ++i) {
    ASSERT_LE(samples[i - 1].scaled, samples[i].scaled) << samples[i - 1].text << " sorted before " << samples[i].text;
    if (samples[i - 1].scaled == samples[i].scaled) {
      EXPECT_EQ(samples[i - 1].enc, samples[i].enc) << samples[i - 1].text << " vs " << samples[i].text;
    }
  }
}

}  // namespace
}  // namespace freshet::codec
