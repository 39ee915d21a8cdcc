export class StoreError extends Error {
    code;
    detail;
    constructor(code, message, detail = {}) {
        super(message);
        this.code = code;
        this.detail = detail;
        this.name = "StoreError";
    }
}
export const ChangeType = {
    Add: 1,
    Update: 2,
    DeleteObject: 3,
    Rename: 4,
    MoveAway: 5,
    MoveInto: 6,
    Restore: 7,
};
//# sourceMappingURL=types.js.map