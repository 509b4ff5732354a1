// Package auth tells who is calling and with which role.
//
// A caller presents either an API key or a signed JWT, as
// "Authorization: Bearer <credential>" or "X-API-Key: <key>". API keys are
// kept only as sha256 digests, in a keys file or an environment value. JWTs
// are verified with an HS256 secret, an RSA public key in PEM, or the RSA
// keys of a JWKS file. The resulting Principal travels in the request
// context, and Require checks its role at the point where a resolver acts.
package auth
