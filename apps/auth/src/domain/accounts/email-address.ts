// One spelling per mailbox: accounts are looked up by the trimmed, lowercased address.
export const normaliseEmail = (email: string) => email.trim().toLowerCase()
