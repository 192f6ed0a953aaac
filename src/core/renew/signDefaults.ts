// The validity a signed CSR gets when neither the setting nor --days says otherwise. A module of its
// own so the settings read at activation do not load the signing code (scripts/build/lazyCore.mjs EAGER).
/** kubeadm's lifetime for every leaf (8760h). */
export const DEFAULT_SIGN_DAYS = 365;
