/**
 * Product image limits: the console checks them before uploading, the contract and the catalog
 * service again (a rules file, so the functions that only need the numbers, such as `jobs`,
 * never build the shop admin contract for them).
 */

/** The biggest image HQ can upload for a product (the decoded bytes). */
export const MAX_PRODUCT_IMAGE_BYTES = 500 * 1024
export const MAX_PRODUCT_IMAGES = 6
