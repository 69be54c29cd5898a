// @deals/admission: the signed, single-use admission tokens of the waiting room.
export {
  ADMISSION_AUDIENCE,
  ADMISSION_ISSUER,
  AdmissionTokenError,
  createAdmissionSigner,
  createAdmissionVerifier,
  type AdmissionClaims,
  type AdmissionFailure,
  type AdmissionSigner,
  type AdmissionVerifier,
} from './admission-token.ts'
